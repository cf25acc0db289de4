package dev.sightline.core.storage;

import dev.sightline.core.model.LogRecord;
import java.util.List;

/** Reads log records. Methods block; call them off event-loop threads. */
public interface LogReader {

  /** Log records matching every criterion, newest first by event time, at most {@code limit}. */
  List<LogRecord> searchLogs(LogQuery query);
}
