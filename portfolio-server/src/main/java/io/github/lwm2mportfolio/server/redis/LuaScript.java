package io.github.lwm2mportfolio.server.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

/** A Lua script run by its SHA, sent again when Redis no longer has it (after a restart or SCRIPT FLUSH). */
final class LuaScript {

    /** Deletes KEYS[1] only if it still holds ARGV[1] (a lease or an announcement that is still one's own). */
    static final LuaScript DELETE_IF_EQUAL = new LuaScript("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('DEL', KEYS[1])
            """, ScriptOutputType.INTEGER);

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
