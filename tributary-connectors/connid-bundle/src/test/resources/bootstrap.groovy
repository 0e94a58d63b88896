// Defaults for ConnId's contract suites (connector-framework-contract), which look for this file on
// the test class path. The published 1.6.1.0 jar leaves it out, so the suites cannot start without
// one; this is ours. A suite asks for a value by attribute name first (see config.groovy next to
// the connector's name) and falls back to the entry for the attribute's Java type: T<simple name
// in lower case>, or multi.T<...> for a multi-valued attribute. Lazy.random patterns: # a digit,
// a a lower-case letter, A an upper-case letter, ? any letter, . any letter or digit, \\. a dot.
import org.identityconnectors.contract.data.groovy.Lazy

Tstring = Lazy.random("??????###")
Tcharacter = Lazy.random("?", Character.class)
Tchar = Lazy.random("?", Character.class)
Tinteger = Lazy.random("####", Integer.class)
Tint = Lazy.random("####", Integer.class)
Tlong = Lazy.random("#######", Long.class)
Tbiginteger = Lazy.random("########", java.math.BigInteger.class)
Tbigdecimal = Lazy.random("#####\\.##", java.math.BigDecimal.class)
Tdouble = Lazy.random("####\\.#", Double.class)
Tfloat = Lazy.random("###\\.#", Float.class)
Tboolean = true
Tbytearray = Lazy.random("................", byte[].class)
Tguardedstring = Lazy.random("????####", org.identityconnectors.common.security.GuardedString.class)
Tguardedbytearray = Lazy.random("????####", org.identityconnectors.common.security.GuardedByteArray.class)
// ConnId 1.5 added date-times; the random generator cannot make them, so the default is fixed.
Tzoneddatetime = java.time.ZonedDateTime.of(2024, 2, 29, 23, 59, 58, 0, java.time.ZoneOffset.UTC)

multi.Tstring = [Lazy.random("??????###"), Lazy.random("??????###")]
multi.Tinteger = [Lazy.random("####", Integer.class), Lazy.random("####", Integer.class)]
multi.Tlong = [Lazy.random("#######", Long.class), Lazy.random("#######", Long.class)]
multi.Tboolean = [true, false]
multi.Tbytearray = [Lazy.random("................", byte[].class), Lazy.random("................", byte[].class)]
