package io.github.lwm2mportfolio.core.cose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConstantTimeTest {

    @Test
    void equal_bytes_are_equal_and_any_difference_or_length_is_not() {
        assertThat(ConstantTime.equal(new byte[] {1, 2, 3}, new byte[] {1, 2, 3})).isTrue();
        assertThat(ConstantTime.equal(new byte[0], new byte[0])).isTrue();
        assertThat(ConstantTime.equal(new byte[] {1, 2, 3}, new byte[] {1, 2, 4})).isFalse();
        assertThat(ConstantTime.equal(new byte[] {(byte) 0x80, 2, 3}, new byte[] {0, 2, 3})).isFalse();
        assertThat(ConstantTime.equal(new byte[] {1, 2, 3}, new byte[] {1, 2})).isFalse();
        assertThat(ConstantTime.equal(new byte[] {1, 2}, new byte[] {1, 2, 3})).isFalse();
    }
}
