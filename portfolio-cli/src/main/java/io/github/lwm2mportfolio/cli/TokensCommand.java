package io.github.lwm2mportfolio.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code portfolio tokens}: the REST API's tokens on a running server, through the API with an admin token. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Create, list or revoke REST API tokens on a running server (needs an admin token).",
        subcommands = { TokensCommand.CreateToken.class, TokensCommand.ListTokens.class,
                TokensCommand.RevokeToken.class })
final class TokensCommand {

    enum Role {
        viewer, operator, admin
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it: it is shown this once, the server keeps only its hash.")
    static final class CreateToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "1 to 64 letters, digits, '.', '_' or '-'.")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "${COMPLETION-CANDIDATES}: viewer reads, operator also verifies and writes Identity "
                        + "values, admin also manages certifications, credentials and tokens.")
        Role role;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("role", role.name());
            Map<String, Object> created = api.client(spec).postJson("/api/tokens", body);
            PrintWriter out = spec.commandLine().getOut();
            out.println(created.get("token"));
            out.flush();
            spec.commandLine().getErr().println("created the " + role + " token '" + name
                    + "': it is shown only this once");
            spec.commandLine().getErr().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens' names and roles (never the tokens).")
    static final class ListTokens implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Override
        public Integer call() {
            List<Map<String, Object>> tokens = api.client(spec).getJsonList("/api/tokens");
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("NAME", "ROLE", "CREATED"));
            for (Map<String, Object> token : tokens) {
                rows.add(List.of(String.valueOf(token.get("name")), String.valueOf(token.get("role")),
                        String.valueOf(token.get("createdAt"))));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(TextTable.align(rows, column -> true));
            out.println(tokens.size() + (tokens.size() == 1 ? " token" : " tokens"));
            out.flush();
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: it stops working at once.")
    static final class RevokeToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiAccess api;

        @Parameters(paramLabel = "NAME", description = "The token's name.")
        String name;

        @Override
        public Integer call() {
            api.client(spec).delete("/api/tokens/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
            spec.commandLine().getOut().println("revoked the token '" + name + "'");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
