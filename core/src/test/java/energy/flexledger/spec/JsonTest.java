package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesMembersSortedWithoutWhitespace() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", 2L);
        m.put("a", List.of("x\"y", true));
        m.put("c", null);
        assertThat(Json.write(m)).isEqualTo("{\"a\":[\"x\\\"y\",true],\"b\":2,\"c\":null}");
    }

    @Test
    void roundTripsUnicodeAndExtremes() {
        final String text = "{\"id\":\"EV-CS-\\u00fc\\n\",\"max\":9223372036854775807,\"min\":-9223372036854775808}";
        final Map<String, Object> parsed = Json.parseObject(text);
        assertThat(parsed.get("id")).isEqualTo("EV-CS-ü\n");
        assertThat(parsed.get("max")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.write(Json.parse(Json.write(parsed)))).isEqualTo(Json.write(parsed));
    }

    @Test
    void rejectsWhatIsNotCanonicalInput() {
        assertThatThrownBy(() -> Json.parse("1.5")).hasMessageStartingWith("BAD_JSON");
        assertThatThrownBy(() -> Json.parse("1e3")).hasMessageStartingWith("BAD_JSON");
        assertThatThrownBy(() -> Json.parse("9223372036854775808")).hasMessageStartingWith("BAD_JSON");
        assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageStartingWith("BAD_JSON");
        assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageStartingWith("BAD_JSON");
        assertThatThrownBy(() -> Json.parse("[1,")).hasMessageStartingWith("BAD_JSON");
        assertThatThrownBy(() -> Json.parse("[".repeat(100) + "]".repeat(100))).hasMessageContaining("nesting");
    }

    @org.junit.jupiter.api.Test
    void integersHaveOneSpellingInAsciiDigits() {
        for (final String bad : new String[] {"[007]", "[1\u0663]", "[-]", "[01]", "[-01]"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(SpecException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
        }
        org.assertj.core.api.Assertions.assertThat(Json.parse("[0,-0,10,-7]")).isEqualTo(java.util.List.of(0L, 0L, 10L, -7L));
    }
}
