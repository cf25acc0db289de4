package dev.sightline.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Attributes} behaves as the insertion-ordered map it replaced: checked against a {@link
 * LinkedHashMap} fed the same puts, below and above the size where lookups switch to an index.
 */
class AttributesTest {

  @Test
  void repeatedKey_lastValueWins_atTheFirstPosition() {
    Attributes a =
        Attributes.builder().put("a", "1").put("b", "2").put("a", "3").put("c", 4L).build();

    assertThat(a.size()).isEqualTo(3);
    assertThat(List.of(a.keyAt(0), a.keyAt(1), a.keyAt(2))).containsExactly("a", "b", "c");
    assertThat(a.getString("a")).isEqualTo("3");
    assertThat(a.get("c")).isEqualTo(new AnyValue.LongValue(4));
    assertThat(a.get("missing")).isNull();
    assertThat(a.asMap().keySet()).containsExactly("a", "b", "c");
  }

  @Test
  void randomPuts_matchALinkedHashMap_belowAndAboveTheScanLimit() {
    Random random = new Random(42);
    for (int round = 0; round < 500; round++) {
      int puts = random.nextInt(3 * Attributes.SCAN_MAX);
      int distinct = 1 + random.nextInt(2 * Attributes.SCAN_MAX);
      LinkedHashMap<String, AnyValue> expected = new LinkedHashMap<>();
      Attributes.Builder b = Attributes.builder();
      for (int i = 0; i < puts; i++) {
        // new String: lookups must not rely on identity
        String key = new String("key." + random.nextInt(distinct));
        AnyValue value = new AnyValue.LongValue(random.nextInt(5));
        expected.put(key, value);
        b.put(key, value);
      }
      Attributes a = b.build();

      assertThat(a.size()).isEqualTo(expected.size());
      assertThat(new ArrayList<>(a.asMap().entrySet()))
          .containsExactlyElementsOf(expected.entrySet());
      assertThat(a.asMap()).isEqualTo(expected);
      assertThat(a.asMap().hashCode()).isEqualTo(expected.hashCode());
      assertThat(a.hashCode()).isEqualTo(expected.hashCode());
      for (int k = 0; k < distinct + 2; k++) {
        String key = "key." + k;
        assertThat(a.get(key)).as(key).isEqualTo(expected.get(key));
        assertThat(a.asMap().containsKey(key)).isEqualTo(expected.containsKey(key));
      }
      assertThat(Attributes.of(expected)).isEqualTo(a);
    }
  }

  @Test
  void equality_isTheMapsWhateverTheOrder() {
    Attributes ab = Attributes.ofStrings("a", "1", "b", "2");
    Attributes ba = Attributes.ofStrings("b", "2", "a", "1");

    assertThat(ab).isEqualTo(ba).hasSameHashCodeAs(ba);
    assertThat(ab).isNotEqualTo(Attributes.ofStrings("a", "1", "b", "3"));
    assertThat(ab).isNotEqualTo(Attributes.ofStrings("a", "1"));
    assertThat(ab).isNotEqualTo(Attributes.ofStrings("a", "1", "c", "2"));
    assertThat(Attributes.builder().build()).isSameAs(Attributes.empty());
    assertThat(Attributes.of(Map.of())).isSameAs(Attributes.empty());
    assertThat(ab.toString()).isEqualTo("{a=" + ab.get("a") + ", b=" + ab.get("b") + "}");
  }

  @Test
  void builtAttributes_areNotChangedByLaterPuts_andTheViewIsReadOnly() {
    Attributes.Builder b = Attributes.builder().put("a", "1");
    Attributes first = b.build();
    b.put("a", "2").put("b", "3");

    assertThat(first.size()).isEqualTo(1);
    assertThat(first.getString("a")).isEqualTo("1");
    assertThat(b.build().getString("a")).isEqualTo("2");
    assertThatThrownBy(() -> first.asMap().put("c", new AnyValue.StringValue("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> first.keyAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void putAll_andForEach_keepInsertionOrder() {
    Attributes base = Attributes.ofStrings("a", "1", "b", "2");
    Attributes merged = Attributes.builder().put("b", "0").putAll(base).put("c", "3").build();
    List<String> seen = new ArrayList<>();
    merged.forEach((k, v) -> seen.add(k + "=" + v.asString()));

    assertThat(seen).containsExactly("b=2", "a=1", "c=3");
  }

  @Test
  void largeSets_compareAsMapsWhateverTheOrder_andPutAllGoesThroughTheIndex() {
    Attributes.Builder forward = Attributes.builder();
    Attributes.Builder backward = Attributes.builder();
    for (int i = 0; i < 3 * Attributes.SCAN_MAX; i++) {
      forward.put("k" + i, (long) i);
      backward.put(
          "k" + (3 * Attributes.SCAN_MAX - 1 - i), (long) (3 * Attributes.SCAN_MAX - 1 - i));
    }
    Attributes a = forward.build();
    Attributes b = backward.build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);

    Attributes merged = forward.putAll(Attributes.ofStrings("k3", "x", "new", "y")).build();
    assertThat(merged.size()).isEqualTo(a.size() + 1);
    assertThat(merged.getString("k3")).isEqualTo("x");
    assertThat(merged.keyAt(3)).isEqualTo("k3");
    assertThat(merged.keyAt(merged.size() - 1)).isEqualTo("new");
  }

  @Test
  void nullKeysOrValues_areRefused() {
    Map<String, AnyValue> withNull = new LinkedHashMap<>();
    withNull.put("a", null);
    assertThatThrownBy(() -> Attributes.of(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> Attributes.builder().put(null, "v"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
  }
}
