package io.github.lwm2mportfolio.cli;

/** A count with its noun in the right number: "1 record", "2 records". */
public final class Counts {

    private Counts() {
    }

    /** {@code count} is a number as the REST API's JSON answers it (Integer, Long, Double) or an int. */
    public static String of(Object count, String one, String many) {
        boolean single = count instanceof Number number && number.doubleValue() == 1;
        String shown = count instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                ? String.valueOf(number.longValue()) : String.valueOf(count);
        return shown + " " + (single ? one : many);
    }
}
