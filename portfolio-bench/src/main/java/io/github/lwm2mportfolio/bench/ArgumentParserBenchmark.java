package io.github.lwm2mportfolio.bench;

import io.github.lwm2mportfolio.core.auth.AuthService;
import io.github.lwm2mportfolio.core.profile.GetAuthDataRequest;
import io.github.lwm2mportfolio.core.profile.InvalidAuthArgumentsException;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.request.argument.InvalidArgumentException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The GetAuthData argument profile on a typical Execute payload, beside Leshan's own parsing of the same
 * string: every client runs {@code Arguments.parse} before the profile sees anything, so the profile's
 * whole cost is {@code profile - leshanParse}, and ours/raw = {@code profile / leshanParse} in ops/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ArgumentParserBenchmark {

    // The fields are not final, so that the JIT cannot fold the work on them into constants.

    /** What a collector sends: four Identity instances, sign, a 16-byte nonce. */
    private String payload = "0='0,1,2,3',1='sign',2='"
            + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {
                (byte) 0x9a, 0x11, 0x3c, 0x7f, 0x05, (byte) 0xe2, 0x48, 0x6d,
                (byte) 0xb1, 0x20, 0x57, (byte) 0xcc, 0x0e, 0x73, (byte) 0x9f, 0x42})
            + "'";
    /** The Identity instances of a host instance (unique ID, manufacturer, model, software version). */
    private Set<Integer> present = Set.of(0, 1, 2, 3);

    @Benchmark
    public Arguments leshanParse() throws InvalidArgumentException {
        return Arguments.parse(payload);
    }

    /** Leshan's parse, then the profile: check the four arguments, fill in the defaults. */
    @Benchmark
    public GetAuthDataRequest.Resolved profile() throws InvalidArgumentException, InvalidAuthArgumentsException {
        return GetAuthDataRequest.parse(Arguments.parse(payload)).resolve(present, AuthService.SIGN, "default");
    }
}
