package dev.sightline.slo;

/**
 * One thing wrong in a spec file. {@link #toString()} is the lint format {@code file:line: field:
 * problem}, e.g. {@code slos/bad.yaml:12: spec.objectives[0].target: must be between 0 and 1, got
 * 1.5}.
 *
 * @param file the file as reached from the folder given to the loader
 * @param line 1-based line in the file
 * @param field the path of the offending field inside its document ({@code -} for the whole
 *     document or file)
 */
public record SloProblem(String file, int line, String field, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + field + ": " + message;
  }
}
