package dev.sightline.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TenantsTest {
  @Test
  void namesSafeAsAFolderNameAreValid() {
    assertThat(Tenants.check("acme")).isEqualTo("acme");
    assertThat(Tenants.isValid(Tenants.DEFAULT)).isTrue();
    assertThat(Tenants.isValid("team-1.eu_west")).isTrue();
    assertThat(Tenants.isValid("a".repeat(63))).isTrue();
  }

  @Test
  void pathsDotsCaseAndLongNamesAreRejected() {
    for (String bad :
        new String[] {
          "", ".", "..", "../x", "a/b", "a\\\\b", ".hidden", "-x", "Acme", "a b", "a".repeat(64)
        }) {
      assertThat(Tenants.isValid(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> Tenants.check("../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tenant '../x': 1 to 63 lower-case letters");
  }
}
