package dev.sightline.server.config;

import dev.sightline.server.config.ConfigLoader.Option;
import java.util.ArrayList;
import java.util.List;

/** The help text of the options table: two columns, wrapped, grouped by storage backend. */
final class HelpText {
  /** Width the help text is wrapped at. */
  static final int HELP_WIDTH = 100;

  /** Longest first cell of a help row that shares its line with the description. */
  static final int HELP_HEAD_MAX = 34;

  private HelpText() {}

  /**
   * The help text listing every option with its variable and default ("none" when it has none),
   * descriptions in one column, wrapped at {@link #HELP_WIDTH}.
   */
  static String options(List<Option> options) {
    List<String[]> rows = new ArrayList<>();
    for (Option o : options) if (o.backend() == null) rows.add(helpRow(o));
    rows.add(
        new String[] {
          "--config FILE",
          "YAML file whose keys are these flags' names (data-dir: /var/lib/sightline)",
          "(env SIGHTLINE_CONFIG, default none)"
        });
    for (StorageKind kind : StorageKind.values()) {
      rows.add(
          new String[] {
            "Options of --storage "
                + kind.flagValue()
                + " ("
                + kind.displayName()
                + (kind == StorageKind.DUCKDB ? ", the default" : "")
                + "; refused with the other backend):"
          });
      for (Option o : options) if (o.backend() == kind) rows.add(helpRow(o));
    }
    return columns(rows);
  }

  private static String[] helpRow(Option o) {
    String def = o.defaultValue().isEmpty() ? "none" : o.defaultValue();
    return new String[] {
      o.flag(), o.description(), "(env " + o.envVar() + ", default " + def + ")"
    };
  }

  /**
   * Two-column help: each row's first cell, then its other cells as paragraphs wrapped at {@link
   * #HELP_WIDTH}, all starting in the same column. A first cell longer than {@link #HELP_HEAD_MAX}
   * gets a line of its own. A row of one cell is a heading, printed unindented after a blank line.
   */
  static String columns(List<String[]> rows) {
    int width = 0;
    for (String[] row : rows) {
      if (row.length > 1 && row[0].length() <= HELP_HEAD_MAX) {
        width = Math.max(width, row[0].length());
      }
    }
    int indent = 2 + width + 2;
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      if (row.length == 1) {
        sb.append('\n').append(row[0]).append('\n');
        continue;
      }
      List<String> lines = new ArrayList<>();
      for (int i = 1; i < row.length; i++) lines.addAll(wrap(row[i], HELP_WIDTH - indent));
      String head = row[0];
      if (head.length() > width) {
        sb.append("  ").append(head).append('\n');
        head = "";
      }
      for (String line : lines) {
        sb.append("  ").append(head).append(" ".repeat(width - head.length() + 2));
        sb.append(line).append('\n');
        head = "";
      }
    }
    return sb.toString();
  }

  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    if (line.length() > 0) lines.add(line.toString());
    return lines;
  }
}
