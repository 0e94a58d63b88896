package dev.tributary.server.changes;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A parsed record filter: the OData-style language of the change feed, evaluated over a record's
 * top-level data fields.
 *
 * <p>Semantics. {@code eq} and {@code ne} compare values of the same JSON type ({@code ne} is
 * exactly {@code not eq}); a missing field equals {@code null}. Numbers compare by value
 * ({@code 1 eq 1.0}); strings compare by UTF-16 code units. {@code gt ge lt le} take a number or a
 * string literal and are false when the field holds another type or is missing.
 */
public sealed interface Filter {

    /** Whether a record's data object matches. */
    boolean matches(JsonNode data);

    /** A canonical, fully parenthesized spelling: equal filters have equal canonical forms. */
    String canonical();

    /** A 16-byte fingerprint of the canonical form, kept in sync tokens. */
    default byte[] fingerprint() {
        return fingerprintOf(canonical());
    }

    /** The fingerprint of "no filter". */
    static byte[] fingerprintOf(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        public boolean matches(JsonNode data) {
            JsonNode value = data == null ? null : data.get(field);
            return switch (operator) {
                case EQ -> equal(value);
                case NE -> !equal(value);
                default -> ordered(value);
            };
        }

        private boolean equal(JsonNode value) {
            if (literal instanceof NullLiteral) {
                return value == null || value.isNull();
            }
            if (value == null) {
                return false;
            }
            if (literal instanceof StringLiteral s) {
                return value.isTextual() && value.textValue().equals(s.value());
            }
            if (literal instanceof NumberLiteral n) {
                return value.isNumber() && value.decimalValue().compareTo(n.value()) == 0;
            }
            return value.isBoolean() && value.booleanValue() == ((BooleanLiteral) literal).value();
        }

        private boolean ordered(JsonNode value) {
            int comparison;
            if (value == null) {
                return false;
            }
            if (literal instanceof NumberLiteral n && value.isNumber()) {
                comparison = value.decimalValue().compareTo(n.value());
            } else if (literal instanceof StringLiteral s && value.isTextual()) {
                comparison = value.textValue().compareTo(s.value());
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
        public boolean matches(JsonNode data) {
            return left.matches(data) && right.matches(data);
        }

        @Override
        public String canonical() {
            return "(" + left.canonical() + ") and (" + right.canonical() + ")";
        }
    }

    record Or(Filter left, Filter right) implements Filter {
        @Override
        public boolean matches(JsonNode data) {
            return left.matches(data) || right.matches(data);
        }

        @Override
        public String canonical() {
            return "(" + left.canonical() + ") or (" + right.canonical() + ")";
        }
    }

    record Not(Filter inner) implements Filter {
        @Override
        public boolean matches(JsonNode data) {
            return !inner.matches(data);
        }

        @Override
        public String canonical() {
            return "not (" + inner.canonical() + ")";
        }
    }
}
