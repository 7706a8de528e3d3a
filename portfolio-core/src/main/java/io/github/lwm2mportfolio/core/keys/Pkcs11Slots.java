package io.github.lwm2mportfolio.core.keys;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a PKCS#11 token by its label, which the JDK's SunPKCS11 configuration cannot name (it takes a slot ID or an
 * index): the JDK's own PKCS#11 wrapper lists the library's slots that hold a token and reads each token's label.
 * The wrapper is not exported: the JVM needs {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=
 * ALL-UNNAMED} (the portfolio jar's manifest has it). The library is the one SunPKCS11 then loads, once.
 */
final class Pkcs11Slots {

    /** CK_TOKEN_INFO flag of a token that was initialised (SoftHSM2 always offers one more that is not). */
    private static final long CKF_TOKEN_INITIALIZED = 0x400L;

    static final String ADD_EXPORTS = "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";

    /** An initialised token in a slot: the slot's ID and the token's label (its trailing blanks removed). */
    record Slot(long id, String label) {
    }

    private Pkcs11Slots() {
    }

    /** The slot of the token labelled {@code label}; the message of the failure lists the labels there are. */
    static long slotOf(Path library, String label) throws KeyUnavailableException {
        List<Slot> slots = slotsWithToken(library);
        List<String> labels = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.label().equals(label)) {
                return slot.id();
            }
            labels.add("'" + slot.label() + "'");
        }
        throw new KeyUnavailableException(KeyUnavailableException.Reason.NOT_FOUND, "no PKCS#11 token labelled '"
                + label + "' in " + library + (labels.isEmpty() ? " (it has no token)"
                        : " (its tokens: " + String.join(", ", labels) + ")"));
    }

    static List<Slot> slotsWithToken(Path library) throws KeyUnavailableException {
        try {
            Class<?> wrapper = Class.forName("sun.security.pkcs11.wrapper.PKCS11");
            Class<?> initArgs = Class.forName("sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS");
            Object module = wrapper.getMethod("getInstance", String.class, String.class, initArgs, boolean.class)
                    .invoke(null, library.toAbsolutePath().toString(), "C_GetFunctionList", null, false);
            long[] ids = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(module, true);
            Method tokenInfo = wrapper.getMethod("C_GetTokenInfo", long.class);
            List<Slot> slots = new ArrayList<>();
            for (long id : ids) {
                Object info = tokenInfo.invoke(module, id);
                if ((info.getClass().getField("flags").getLong(info) & CKF_TOKEN_INITIALIZED) == 0) {
                    continue; // no label, no keys: not a token anyone chooses
                }
                char[] label = (char[]) info.getClass().getField("label").get(info);
                slots.add(new Slot(id, new String(label).stripTrailing()));
            }
            return slots;
        } catch (IllegalAccessException | ClassNotFoundException | NoSuchMethodException | NoSuchFieldException e) {
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "cannot list the "
                    + "PKCS#11 tokens of " + library + " by label: run Java with " + ADD_EXPORTS + " (the portfolio "
                    + "jar has it), or choose the token by its slot index", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new KeyUnavailableException(KeyUnavailableException.Reason.STORE_UNREADABLE, "cannot list the "
                    + "PKCS#11 tokens of " + library + ": " + cause.getMessage(), cause);
        }
    }
}
