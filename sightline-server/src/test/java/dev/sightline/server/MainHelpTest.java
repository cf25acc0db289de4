package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sightline.server.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code sightline help}: what a newcomer reads first. */
class MainHelpTest {
  private static final Pattern FLAG_ROW = Pattern.compile("^  (--\\S+(?: \\S+)?)( +)(\\S.*)$");

  private String help() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {"help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsEveryCommandAndNoInventedOne() {
    String help = help();
    assertThat(help)
        .contains("\n  serve [flags] ")
        .contains("\n  demo [shop flags] ")
        .contains("\n  slo lint DIR ")
        .contains("\n  slo export --format prometheus")
        .contains("\n  token create --auth-file FILE --tenant NAME --role ROLE[,ROLE...]")
        .contains("\n  token list --auth-file FILE ")
        .contains("\n  token revoke --auth-file FILE ID ")
        .contains("\n  help ");
    for (String line : help.split("\n"))
      assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
  }

  @Test
  void everyOptionOfTheTableIsListedWithItsVariableAndDefault() {
    // a long default (a list) wraps onto continuation lines: read them as one line
    String help = help().replaceAll("\n {3,}", " ");
    for (ConfigLoader.Option o : ConfigLoader.OPTIONS) {
      assertThat(help).contains("  " + o.flag() + " ");
      String def = o.defaultValue().isEmpty() ? "none" : o.defaultValue();
      assertThat(help).contains("(env " + o.envVar() + ", default " + def + ")");
    }
    assertThat(help).doesNotContain("default )").doesNotContain(" VALUE");
  }

  @Test
  void booleanFlagsTakeNoValueAndEmptyDefaultsReadNone() {
    String help = help();
    assertThat(help).contains("\n  --bench-discard-endpoint  ");
    assertThat(help).contains("(env SIGHTLINE_SLO_DIR, default none)");
    assertThat(help).contains("(env SIGHTLINE_NOTIFY, default none)");
    assertThat(help).contains("  --slo-dir DIR ").contains("  --http HOST:PORT ");
  }

  @Test
  void descriptionsStartInOneColumnAndLinesStayNarrow() {
    String help = help();
    String flags = help.substring(help.indexOf("Flags of serve:\n") + "Flags of serve:\n".length());
    List<Integer> columns = new ArrayList<>();
    for (String line : flags.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(100);
      // a backend's heading, after a blank line
      if (line.isEmpty() || line.startsWith("Options of --storage ")) continue;
      Matcher m = FLAG_ROW.matcher(line);
      if (m.matches()) {
        columns.add(m.start(3));
      } else {
        // a continuation line: indented to the description column
        assertThat(line).as(line).matches(" {" + columns.get(0) + "}\\S.*");
      }
    }
    assertThat(columns).hasSize(ConfigLoader.OPTIONS.size() + 1); // + --config
    assertThat(columns).containsOnly(columns.get(0));
    String commands = help.substring(0, help.indexOf("Flags of serve:"));
    int column =
        commands.indexOf("run the server:")
            - commands.lastIndexOf('\n', commands.indexOf("run the server:"))
            - 1;
    assertThat(commands).contains("\n  slo lint DIR" + " ".repeat(column - 14) + "check the");
  }
}
