package dev.sightline.incident.postmortem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text from people and telemetry goes into the post-mortem as text, never as markup. */
class PostmortemWriterTest {
  @Test
  void escapesEverythingThatCouldBecomeMarkup() {
    assertThat(PostmortemWriter.esc("<script>alert(1)</script>"))
        .isEqualTo("\\<script\\>alert(1)\\</script\\>");
    assertThat(PostmortemWriter.esc("[click](javascript:alert(1))"))
        .isEqualTo("\\[click\\](javascript:alert(1))");
    assertThat(PostmortemWriter.esc("![img](http://evil/x.png)")).startsWith("!\\[img\\]");
    assertThat(PostmortemWriter.esc("**bold** _it_ `code` a|b ~~s~~ &amp;"))
        .isEqualTo("\\*\\*bold\\*\\* \\_it\\_ \\`code\\` a\\|b \\~\\~s\\~\\~ \\&amp;");
    // block markers at the start, and line breaks that would start a new block
    assertThat(PostmortemWriter.esc("# heading")).isEqualTo("\\# heading");
    assertThat(PostmortemWriter.esc("- item")).isEqualTo("\\- item");
    assertThat(PostmortemWriter.esc("12. item")).isEqualTo("12\\. item");
    assertThat(PostmortemWriter.esc("fine\n## injected\r\n---"))
        .isEqualTo("fine \\#\\# injected  ---");
    // ordinary text stays readable
    assertThat(PostmortemWriter.esc("roll back order to 1.4.2 (team-orders)"))
        .isEqualTo("roll back order to 1.4.2 (team-orders)");
  }

  @Test
  void codeSpansHoldAnyBackticks() {
    assertThat(PostmortemWriter.code("java.lang.NullPointerException"))
        .isEqualTo("`java.lang.NullPointerException`");
    assertThat(PostmortemWriter.code("a ``b`` c")).isEqualTo("```a ``b`` c```");
    assertThat(PostmortemWriter.code("`x`")).isEqualTo("`` `x` ``");
    assertThat(PostmortemWriter.code("line\nbreak")).isEqualTo("`line break`");
  }
}
