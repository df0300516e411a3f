package dev.modelserving.job.hostile;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Byte-level mutations of protobuf payloads, whatever their message type: bit flips, truncation, swapped field
 * numbers, duplicated and foreign fields, huge and malformed varints, lengths that run past the end, wire-type
 * confusion and plain garbage. Deterministic for a seed: the same seed gives the same payloads, so a failure can be
 * replayed.
 */
final class PayloadMutator {

    /** The byte-level mutation families; {@link #mutate} applies one. */
    enum Family {
        BIT_FLIPS,
        TRUNCATION,
        FIELD_SWAP,
        DUPLICATED_FIELD,
        FOREIGN_FIELD,
        HUGE_VARINT,
        MALFORMED_VARINT,
        LENGTH_PAST_END,
        WIRE_TYPE_CONFUSION,
        GARBAGE
    }

    private final Random random;

    PayloadMutator(Random random) {
        this.random = random;
    }

    /** {@code payload} mutated by {@code family}. */
    byte[] mutate(Family family, byte[] payload) {
        return switch (family) {
            case BIT_FLIPS -> bitFlips(payload);
            case TRUNCATION -> payload.length == 0 ? payload : Arrays.copyOf(payload, random.nextInt(payload.length));
            case FIELD_SWAP -> fieldSwap(payload);
            case DUPLICATED_FIELD -> duplicatedField(payload);
            case FOREIGN_FIELD -> concat(payload, foreignField());
            case HUGE_VARINT -> concat(payload, hugeVarint());
            case MALFORMED_VARINT ->
                concat(payload, new byte[] {
                    0x08,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    (byte) 0xff,
                    0x01
                });
            case LENGTH_PAST_END ->
                concat(payload, new byte[] {0x1a, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x41});
            case WIRE_TYPE_CONFUSION -> wireTypeConfusion(payload);
            case GARBAGE -> garbage();
        };
    }

    /** A family picked at random. */
    Family anyFamily() {
        Family[] families = Family.values();
        return families[random.nextInt(families.length)];
    }

    private byte[] bitFlips(byte[] payload) {
        if (payload.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        byte[] copy = payload.clone();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(copy.length * 8);
            copy[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return copy;
    }

    /** The fields re-encoded with the numbers of two of them swapped (falls back to bit flips if it does not parse). */
    private byte[] fieldSwap(byte[] payload) {
        UnknownFieldSet fields;
        try {
            fields = UnknownFieldSet.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return bitFlips(payload);
        }
        List<Integer> numbers = new ArrayList<>(fields.asMap().keySet());
        if (numbers.size() < 2) {
            return concat(payload, foreignField());
        }
        int a = numbers.get(random.nextInt(numbers.size()));
        int b = numbers.get(random.nextInt(numbers.size()));
        UnknownFieldSet.Builder swapped = UnknownFieldSet.newBuilder();
        for (Map.Entry<Integer, UnknownFieldSet.Field> field : fields.asMap().entrySet()) {
            int number = field.getKey() == a ? b : field.getKey() == b ? a : field.getKey();
            swapped.mergeField(number, field.getValue());
        }
        return swapped.build().toByteArray();
    }

    private byte[] duplicatedField(byte[] payload) {
        UnknownFieldSet fields;
        try {
            fields = UnknownFieldSet.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return concat(payload, payload);
        }
        if (fields.asMap().isEmpty()) {
            return concat(payload, foreignField());
        }
        List<Integer> numbers = new ArrayList<>(fields.asMap().keySet());
        int number = numbers.get(random.nextInt(numbers.size()));
        UnknownFieldSet one = UnknownFieldSet.newBuilder()
                .addField(number, fields.getField(number))
                .build();
        return concat(payload, one.toByteArray());
    }

    /** A field with a number no message of the project uses (bytes, varint or fixed64). */
    private byte[] foreignField() {
        int number = 100 + random.nextInt(100_000);
        UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
        switch (random.nextInt(3)) {
            case 0 -> field.addLengthDelimited(ByteString.copyFromUtf8("foreign\u0000field"));
            case 1 -> field.addVarint(random.nextLong());
            default -> field.addFixed64(Double.doubleToRawLongBits(Double.NaN));
        }
        return UnknownFieldSet.newBuilder()
                .addField(number, field.build())
                .build()
                .toByteArray();
    }

    /** A varint of Long.MAX_VALUE, Long.MIN_VALUE or -1 on a field number 1..8 (every int64 field is in there). */
    private byte[] hugeVarint() {
        long[] values = {Long.MAX_VALUE, Long.MIN_VALUE, -1L, 1L << 62};
        return encode(out -> out.writeInt64(1 + random.nextInt(8), values[random.nextInt(values.length)]));
    }

    /** One existing field re-encoded with another wire type (a string as a varint, a number as bytes). */
    private byte[] wireTypeConfusion(byte[] payload) {
        int number = 1 + random.nextInt(8);
        byte[] confusion = random.nextBoolean()
                ? encode(out -> out.writeUInt64(number, random.nextLong()))
                : encode(out -> out.writeBytes(number, ByteString.copyFrom(garbage())));
        return random.nextBoolean() ? concat(confusion, payload) : concat(payload, confusion);
    }

    private byte[] garbage() {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A string with control characters (C0, DEL, C1), as a hostile identifier would carry. */
    String withControlCharacters(String text) {
        char[] controls = {'\u0000', '\u0001', '\u001f', '\n', '\r', '\t', '\u007f', '\u0085', '\u009b'};
        StringBuilder out = new StringBuilder(text);
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            out.insert(random.nextInt(out.length() + 1), controls[random.nextInt(controls.length)]);
        }
        return out.toString();
    }

    /** A number from the edges: 0, -1, the extremes of long, NaN, the infinities, the largest and smallest doubles. */
    double extremeDouble() {
        double[] values = {
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            Double.MIN_VALUE,
            -0.0,
            1e308,
            9.007199254740993e15
        };
        return values[random.nextInt(values.length)];
    }

    /** A long from the edges. */
    long extremeLong() {
        long[] values = {0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L, 1L << 53};
        return values[random.nextInt(values.length)];
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    private interface Writing {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] encode(Writing writing) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            writing.write(out);
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
