package io.github.lwm2mportfolio.server.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/** A Lua script run by its SHA, sent again when Redis no longer has it (after a restart or SCRIPT FLUSH). */
final class LuaScript {

    private final String source;
    private final ScriptOutputType output;
    private volatile String sha;

    LuaScript(String source, ScriptOutputType output) {
        this.source = source;
        this.output = output;
    }

    <T> T run(RedisCommands<String, String> redis, String[] keys, String... args) {
        if (sha == null) {
            sha = redis.scriptLoad(source);
        }
        try {
            return redis.evalsha(sha, output, keys, args);
        } catch (RedisNoScriptException e) {
            sha = redis.scriptLoad(source);
            return redis.evalsha(sha, output, keys, args);
        }
    }
}
