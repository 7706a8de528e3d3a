package io.github.lwm2mportfolio.cli.simulate;

import java.io.PrintWriter;

/**
 * The progress line: redrawn in place on a terminal; elsewhere (logs, pipes) a new line only when it changed, so
 * that a long idle run does not fill a log.
 */
final class ProgressLine {

    private final PrintWriter out;
    private final boolean terminal;
    private String last = "";
    private int drawnWidth;

    ProgressLine(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    synchronized void show(String line) {
        if (line.equals(last)) {
            return;
        }
        last = line;
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
            drawnWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Leaves the line as it is and moves on to the next. */
    synchronized void end() {
        if (terminal && drawnWidth > 0) {
            out.println();
            out.flush();
            drawnWidth = 0;
        }
    }
}
