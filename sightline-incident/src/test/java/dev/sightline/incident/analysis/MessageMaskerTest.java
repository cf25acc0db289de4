package dev.sightline.incident.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class MessageMaskerTest {
  private final MessageMasker masker = MessageMasker.all();

  @Test
  void masksVariablePartsAndKeepsWords() {
    assertThat(masker.mask("connection to 10.0.0.5:5432 timed out after 5000 ms"))
        .isEqualTo("connection to <*> timed out after <*> ms");
    assertThat(masker.mask("order 123e4567-e89b-12d3-a456-426614174000 not found"))
        .isEqualTo("order <*> not found");
    assertThat(masker.mask("request took 350ms (limit 1.5s)"))
        .isEqualTo("request took <*> (limit <*>)");
    assertThat(masker.mask("user 'John Smith' <john@example.com> rejected: id=42, ptr 0x7ffe12"))
        .isEqualTo("user <*> <<*>> rejected: id=<*>, ptr <*>");
    assertThat(masker.mask("GET /api/orders/42/items failed, trace 4bf92f3577b34da6"))
        .isEqualTo("GET /api/orders/<*>/items failed, trace <*>");
  }

  @Test
  void leavesWordsWithDigitsAndApostrophesAlone() {
    assertThat(masker.mask("can't reach s3 bucket in us-east-1  now"))
        .isEqualTo("can't reach s3 bucket in us-east-<*> now");
    assertThat(masker.mask("")).isEmpty();
  }

  @Test
  void appliesOnlyTheChosenRules() {
    MessageMasker numbersOnly = MessageMasker.of(EnumSet.of(MaskRule.NUMBER));
    assertThat(numbersOnly.mask("user 'bob' waited 5000 ms on host-a"))
        .isEqualTo("user 'bob' waited <*> ms on host-a");
  }
}
