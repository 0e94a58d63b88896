package dev.tributary.filter;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A parsed record filter: the OData-style language of the change feed (and of the offline
 * client's queries), evaluated over a record's top-level data fields. Parse one with {@link
 * FilterParser#parse}.
 *
 * <p>Field values are given as JSON-like Java values: {@code null}, {@link String}, {@link
 * Boolean}, a {@link Number}, or anything else (objects and lists), which no comparison matches.
 *
 * <p>Semantics. {@code eq} and {@code ne} compare values of the same JSON type ({@code ne} is
 * exactly {@code not eq}); a missing field equals {@code null}. Numbers compare by value
 * ({@code 1 eq 1.0}); strings compare by UTF-16 code units. {@code gt ge lt le} take a number or a
 * string literal and are false when the field holds another type or is missing.
 */
public sealed interface Filter {

    /** Whether a record matches; {@code fields} gives a top-level field's value (null when missing). */
    boolean matches(Function<String, Object> fields);

    /** A canonical, fully parenthesized spelling: equal filters have equal canonical forms. */
    String canonical();

    /** A 16-byte fingerprint of the canonical form, kept in sync tokens. */
    default byte[] fingerprint() {
        return fingerprintOf(canonical());
    }

    /** The fingerprint of "no filter". */
    static byte[] fingerprintOf(String canonical) {
        // digest() resets the thread's digest for the next fingerprint.
        return Arrays.copyOf(Sha256.DIGESTS.get().digest(canonical.getBytes(StandardCharsets.UTF_8)), 16);
    }

    /** Comparison operators. */
    enum Operator { EQ, NE, GT, GE, LT, LE }

    /** A literal value in a filter. */
    sealed interface Literal {
        String canonical();
    }

    record StringLiteral(String value) implements Literal {
        @Override
        public String canonical() {
            return "'" + value.replace("'", "''") + "'";
        }
    }

    record NumberLiteral(BigDecimal value) implements Literal {
        @Override
        public String canonical() {
            return value.signum() == 0 ? "0" : value.stripTrailingZeros().toString();
        }
    }

    record BooleanLiteral(boolean value) implements Literal {
        @Override
        public String canonical() {
            return Boolean.toString(value);
        }
    }

    record NullLiteral() implements Literal {
        @Override
        public String canonical() {
            return "null";
        }
    }

    /** {@code field op literal}. */
    record Comparison(String field, Operator operator, Literal literal) implements Filter {

        @Override
        public boolean matches(Function<String, Object> fields) {
            Object value = fields.apply(field);
            return switch (operator) {
                case EQ -> equal(value);
                case NE -> !equal(value);
                default -> ordered(value);
            };
        }

        private boolean equal(Object value) {
            if (literal instanceof NullLiteral) {
                return value == null;
            }
            if (value == null) {
                return false;
            }
            if (literal instanceof StringLiteral s) {
                return value instanceof String text && text.equals(s.value());
            }
            if (literal instanceof NumberLiteral n) {
                return value instanceof Number number && decimal(number).compareTo(n.value()) == 0;
            }
            return value instanceof Boolean b && b == ((BooleanLiteral) literal).value();
        }

        private static BigDecimal decimal(Number number) {
            return number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
        }

        private boolean ordered(Object value) {
            int comparison;
            if (literal instanceof NumberLiteral n && value instanceof Number number) {
                comparison = decimal(number).compareTo(n.value());
            } else if (literal instanceof StringLiteral s && value instanceof String text) {
                comparison = text.compareTo(s.value());
            } else {
                return false;
            }
            return switch (operator) {
                case GT -> comparison > 0;
                case GE -> comparison >= 0;
                case LT -> comparison < 0;
                case LE -> comparison <= 0;
                default -> throw new IllegalStateException(operator.name());
            };
        }

        @Override
        public String canonical() {
            return field + " " + operator.name().toLowerCase(java.util.Locale.ROOT) + " "
                    + literal.canonical();
        }
    }

    record And(Filter left, Filter right) implements Filter {
        @Override
        public boolean matches(Function<String, Object> fields) {
            return left.matches(fields) && right.matches(fields);
        }

        @Override
        public String canonical() {
            return "(" + left.canonical() + ") and (" + right.canonical() + ")";
        }
    }

    record Or(Filter left, Filter right) implements Filter {
        @Override
        public boolean matches(Function<String, Object> fields) {
            return left.matches(fields) || right.matches(fields);
        }

        @Override
        public String canonical() {
            return "(" + left.canonical() + ") or (" + right.canonical() + ")";
        }
    }

    record Not(Filter inner) implements Filter {
        @Override
        public boolean matches(Function<String, Object> fields) {
            return !inner.matches(fields);
        }

        @Override
        public String canonical() {
            return "not (" + inner.canonical() + ")";
        }
    }
}
