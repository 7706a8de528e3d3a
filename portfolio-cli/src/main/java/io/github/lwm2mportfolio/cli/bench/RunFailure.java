package io.github.lwm2mportfolio.cli.bench;

/** Why a run could not finish, in one line for the table and results.json. */
final class RunFailure extends Exception {

    private static final long serialVersionUID = 1L;

    RunFailure(String reason) {
        super(reason);
    }
}
