package dev.sightline.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a subcommand ({@code slo export}, {@code token create}, ...): {@code --flag
 * value} or {@code --flag=value} pairs, in order, and the positional arguments.
 */
public record CommandArgs(Map<String, String> flags, List<String> positional) {

  /**
   * Parses {@code args} from index {@code from} on.
   *
   * @throws IllegalArgumentException naming a flag that has no value
   */
  public static CommandArgs parse(String[] args, int from) {
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        positional.add(a);
        continue;
      }
      int eq = a.indexOf('=');
      if (eq >= 0) {
        flags.put(a.substring(2, eq), a.substring(eq + 1));
      } else if (i + 1 < args.length) {
        flags.put(a.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("flag " + a + " needs a value");
      }
    }
    return new CommandArgs(flags, positional);
  }
}
