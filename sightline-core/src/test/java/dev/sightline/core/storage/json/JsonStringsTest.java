package dev.sightline.core.storage.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link JsonStrings} writes exactly what the Jackson generator of {@link TypedJson} writes. */
class JsonStringsTest {
  private static String jackson(String s) {
    return TypedJson.write(g -> g.writeString(s));
  }

  private static String direct(String s) {
    return JsonStrings.appendQuoted(new StringBuilder(), s).toString();
  }

  @Test
  void everyCharacter_alone_andBetweenText_isEscapedAsJacksonEscapesIt() {
    for (int c = 0; c <= 0xFFFF; c++) {
      String alone = String.valueOf((char) c);
      assertThat(direct(alone)).as("U+%04X", c).isEqualTo(jackson(alone));
      String between = "ab" + (char) c + "cd";
      assertThat(direct(between)).as("U+%04X in text", c).isEqualTo(jackson(between));
    }
  }

  @Test
  void randomStrings_ofControlCharactersQuotesNonAsciiAndSurrogates_matchJackson() {
    Random random = new Random(20261205);
    char[] alphabet = {
      'a', 'Z', '0', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', 0, 0x1F, 0x7F, 'é', '€',
      '\uD83D', '\uDE00', '\u2028', '\uFFFF'
    };
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(40);
      for (int k = 0; k < n; k++) b.append(alphabet[random.nextInt(alphabet.length)]);
      String s = b.toString();
      assertThat(direct(s)).isEqualTo(jackson(s));
    }
    assertThat(direct("")).isEqualTo("\"\"");
  }
}
