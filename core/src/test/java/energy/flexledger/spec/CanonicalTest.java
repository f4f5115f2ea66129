package energy.flexledger.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRootName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalTest {
    @JsonRootName("thing")
    record Thing(@JsonProperty(required = true) String id, @JsonProperty(required = true) long size, Long limit,
            @JsonInclude(JsonInclude.Include.NON_NULL) String note, List<Part> parts, boolean flag) {
        Thing {
            if (size < 0) {
                throw new SpecException(ErrorCode.BAD_INTERVAL, "size must not be negative");
            }
            parts = parts == null ? null : List.copyOf(parts);
        }

        boolean isBig() {
            return size > 10;
        }

        String getLabel() {
            return "label";
        }
    }

    record Part(String name, long at) {}

    record Empty() {}

    @Test
    void aRecordIsWrittenAsTheUntypedMapWithTheSameValuesWas() {
        final Thing thing = new Thing("ä\"\u0001", -0L + 5, null, null, List.of(new Part("b", 2), new Part("a", 1)), true);
        final Map<String, Object> untyped = new LinkedHashMap<>();
        untyped.put("size", 5L);
        untyped.put("id", "ä\"\u0001");
        untyped.put("limit", null);
        untyped.put("parts", List.of(Map.of("name", "b", "at", 2L), Map.of("at", 1L, "name", "a")));
        untyped.put("flag", true);
        assertThat(Canonical.write(thing)).isEqualTo(Json.write(untyped))
                .isEqualTo("{\"flag\":true,\"id\":\"ä\\\"\\u0001\",\"limit\":null,\"parts\":[{\"at\":2,\"name\":\"b\"},{\"at\":1,\"name\":\"a\"}],\"size\":5}");
        assertThat(Canonical.write(new Empty())).isEqualTo("{}");
    }

    @Test
    void readingGivesTheEqualRecordBack() {
        final Thing thing = new Thing("x", Long.MAX_VALUE, Long.MIN_VALUE, "n", List.of(new Part("p", 1)), false);
        assertThat(Canonical.read(Canonical.write(thing), Thing.class, null)).isEqualTo(thing);
        assertThat(Canonical.read("{\"id\":\"x\",\"size\":1,\"flag\":false}", Thing.class, null))
                .isEqualTo(new Thing("x", 1, null, null, null, false));
    }

    @Test
    void badInputNamesTheMemberAndCarriesACode() {
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":\"1\",\"flag\":true}", Thing.class, "asset"))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON);
                    assertThat(e.detail()).isEqualTo("asset.size must be an integer");
                });
        assertThatThrownBy(() -> Canonical.read("{\"id\":1,\"size\":1,\"flag\":true}", Thing.class, null))
                .hasMessage("BAD_JSON: thing.id must be a string");
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":1,\"flag\":true,\"colour\":2}", Thing.class, null))
                .hasMessage("BAD_REQUEST: unknown member 'colour' in thing; known: [flag, id, limit, note, parts, size]");
        assertThatThrownBy(() -> Canonical.read("{\"size\":1,\"flag\":true}", Thing.class, null)).hasMessage("BAD_JSON: thing.id is required");
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":1}", Thing.class, null)).hasMessage("BAD_JSON: thing.flag is required");
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":1.5}", Thing.class, null))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":-1,\"flag\":true}", Thing.class, null))
                .hasMessage("BAD_INTERVAL: thing: size must not be negative");
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":1,\"flag\":true,\"parts\":[{\"name\":2}]}", Thing.class, null))
                .hasMessage("BAD_JSON: thing.parts[0].name must be a string");
        assertThatThrownBy(() -> Canonical.read("{\"id\":\"x\",\"size\":1,\"flag\":1}", Thing.class, null))
                .hasMessage("BAD_JSON: thing.flag must be true or false");
        assertThatThrownBy(() -> Canonical.read("[]", Thing.class, null)).hasMessage("BAD_JSON: thing must be an object");
        assertThatThrownBy(() -> Canonical.read("null", Thing.class, null)).hasMessage("BAD_JSON: thing is required, was null");
    }
}
