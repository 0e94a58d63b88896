package dev.tributary.filter;

import dev.tributary.filter.Filter.Operator;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Parses the filter language by recursive descent:
 *
 * <pre>
 *   filter     := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" or ")" | comparison
 *   comparison := field ("eq"|"ne"|"gt"|"ge"|"lt"|"le") literal
 *   field      := [A-Za-z_][A-Za-z0-9_]*
 *   literal    := 'text' ('' inside is one quote) | number | true | false | null
 * </pre>
 *
 * Keywords are lower case. Errors name the 1-based character position. Length, nesting and the
 * number of comparisons are bounded, so a hostile filter costs little.
 */
public final class FilterParser {

    /** Longest filter accepted, in characters. */
    public static final int MAX_LENGTH = 4096;
    /** Deepest nesting of parentheses and {@code not}. */
    public static final int MAX_DEPTH = 32;
    /** Most comparisons in one filter. */
    public static final int MAX_COMPARISONS = 100;

    /** A filter that could not be parsed; the message says where and why. */
    public static final class FilterSyntaxException extends RuntimeException {
        private final int position;

        FilterSyntaxException(int position, String message) {
            super("filter: " + message + " at position " + position);
            this.position = position;
        }

        /** 1-based character position of the problem. */
        public int position() {
            return position;
        }
    }

    private enum Type { WORD, STRING, NUMBER, OPEN, CLOSE, END }

    private record Token(Type type, String text, int position) {
    }

    private final String source;
    private int index;
    private Token current;
    private int depth;
    private int comparisons;

    private FilterParser(String source) {
        this.source = source;
    }

    /** Parses {@code text}, or throws {@link FilterSyntaxException}. */
    public static Filter parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new FilterSyntaxException(MAX_LENGTH + 1,
                    "longer than " + MAX_LENGTH + " characters");
        }
        FilterParser parser = new FilterParser(text);
        parser.advance();
        if (parser.current.type == Type.END) {
            throw new FilterSyntaxException(1, "the filter is empty");
        }
        Filter filter = parser.or();
        if (parser.current.type != Type.END) {
            throw parser.error("expected 'and', 'or' or the end, found " + parser.describe());
        }
        return filter;
    }

    private Filter or() {
        Filter left = and();
        while (isKeyword("or")) {
            advance();
            left = new Filter.Or(left, and());
        }
        return left;
    }

    private Filter and() {
        Filter left = unary();
        while (isKeyword("and")) {
            advance();
            left = new Filter.And(left, unary());
        }
        return left;
    }

    private Filter unary() {
        if (isKeyword("not")) {
            enter();
            advance();
            Filter inner = unary();
            depth--;
            return new Filter.Not(inner);
        }
        if (current.type == Type.OPEN) {
            enter();
            advance();
            Filter inner = or();
            if (current.type != Type.CLOSE) {
                throw error("expected ')', found " + describe());
            }
            advance();
            depth--;
            return inner;
        }
        return comparison();
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Filter comparison() {
        if (current.type != Type.WORD || isReserved(current.text)) {
            throw error("expected a field name, found " + describe());
        }
        if (++comparisons > MAX_COMPARISONS) {
            throw error("more than " + MAX_COMPARISONS + " comparisons");
        }
        String field = current.text;
        advance();
        Operator operator = operator();
        advance();
        Filter.Literal literal = literal(operator);
        advance();
        return new Filter.Comparison(field, operator, literal);
    }

    private Operator operator() {
        if (current.type == Type.WORD) {
            switch (current.text) {
                case "eq": return Operator.EQ;
                case "ne": return Operator.NE;
                case "gt": return Operator.GT;
                case "ge": return Operator.GE;
                case "lt": return Operator.LT;
                case "le": return Operator.LE;
                default: break;
            }
        }
        throw error("expected an operator (eq, ne, gt, ge, lt, le), found " + describe());
    }

    private Filter.Literal literal(Operator operator) {
        Filter.Literal literal;
        switch (current.type) {
            case STRING -> literal = new Filter.StringLiteral(current.text);
            case NUMBER -> literal = new Filter.NumberLiteral(new BigDecimal(current.text));
            case WORD -> {
                literal = switch (current.text) {
                    case "true" -> new Filter.BooleanLiteral(true);
                    case "false" -> new Filter.BooleanLiteral(false);
                    case "null" -> new Filter.NullLiteral();
                    default -> throw error("expected a value ('text', a number, true, false or null), found "
                            + describe() + " (quote text values: 'like this')");
                };
            }
            default -> throw error("expected a value ('text', a number, true, false or null), found "
                    + describe());
        }
        boolean ordered = operator != Operator.EQ && operator != Operator.NE;
        if (ordered && !(literal instanceof Filter.StringLiteral || literal instanceof Filter.NumberLiteral)) {
            throw error(operator.name().toLowerCase(Locale.ROOT) + " compares with a number or a text value, not "
                    + literal.canonical());
        }
        return literal;
    }

    private static boolean isReserved(String word) {
        return switch (word) {
            case "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "true", "false", "null" -> true;
            default -> false;
        };
    }

    private boolean isKeyword(String keyword) {
        return current.type == Type.WORD && current.text.equals(keyword);
    }

    private String describe() {
        return switch (current.type) {
            case END -> "the end of the filter";
            case OPEN -> "'('";
            case CLOSE -> "')'";
            case STRING -> "'" + current.text + "'";
            default -> "'" + current.text + "'";
        };
    }

    private FilterSyntaxException error(String message) {
        return new FilterSyntaxException(current.position, message);
    }

    private void advance() {
        while (index < source.length() && Character.isWhitespace(source.charAt(index))) {
            index++;
        }
        int start = index;
        if (index >= source.length()) {
            current = new Token(Type.END, "", start + 1);
            return;
        }
        char c = source.charAt(index);
        if (c == '(') {
            index++;
            current = new Token(Type.OPEN, "(", start + 1);
        } else if (c == ')') {
            index++;
            current = new Token(Type.CLOSE, ")", start + 1);
        } else if (c == '\'') {
            current = new Token(Type.STRING, string(start), start + 1);
        } else if (c == '-' || Character.isDigit(c)) {
            current = new Token(Type.NUMBER, number(start), start + 1);
        } else if (Character.isLetter(c) || c == '_') {
            while (index < source.length()
                    && (Character.isLetterOrDigit(source.charAt(index)) || source.charAt(index) == '_')) {
                index++;
            }
            String word = source.substring(start, index);
            if (!word.chars().allMatch(ch -> ch < 128)) {
                throw new FilterSyntaxException(start + 1, "field names use ASCII letters, digits and _");
            }
            current = new Token(Type.WORD, word, start + 1);
        } else {
            throw new FilterSyntaxException(start + 1, "unexpected character '" + c + "'");
        }
    }

    private String string(int start) {
        StringBuilder text = new StringBuilder();
        index++;
        while (true) {
            if (index >= source.length()) {
                throw new FilterSyntaxException(start + 1, "a text value is not closed with '");
            }
            char c = source.charAt(index++);
            if (c == '\'') {
                if (index < source.length() && source.charAt(index) == '\'') {
                    text.append('\'');
                    index++;
                } else {
                    return text.toString();
                }
            } else {
                text.append(c);
            }
        }
    }

    private String number(int start) {
        int end = start;
        if (end < source.length() && source.charAt(end) == '-') {
            end++;
        }
        int digits = end;
        while (end < source.length() && Character.isDigit(source.charAt(end))) {
            end++;
        }
        if (end == digits) {
            throw new FilterSyntaxException(start + 1, "'-' must be followed by digits");
        }
        if (end < source.length() && source.charAt(end) == '.') {
            end++;
            int fraction = end;
            while (end < source.length() && Character.isDigit(source.charAt(end))) {
                end++;
            }
            if (end == fraction) {
                throw new FilterSyntaxException(end + 1, "expected digits after '.'");
            }
        }
        if (end < source.length() && (source.charAt(end) == 'e' || source.charAt(end) == 'E')) {
            end++;
            if (end < source.length() && (source.charAt(end) == '+' || source.charAt(end) == '-')) {
                end++;
            }
            int exponent = end;
            while (end < source.length() && Character.isDigit(source.charAt(end))) {
                end++;
            }
            if (end == exponent || end - exponent > 4) {
                throw new FilterSyntaxException(exponent + 1, "expected an exponent of 1 to 4 digits");
            }
        }
        if (end - start > 64) {
            throw new FilterSyntaxException(start + 1, "a number longer than 64 characters");
        }
        if (end < source.length() && (Character.isLetter(source.charAt(end)) || source.charAt(end) == '_')) {
            throw new FilterSyntaxException(end + 1, "unexpected character '" + source.charAt(end)
                    + "' after a number");
        }
        index = end;
        return source.substring(start, end);
    }
}
