package dev.sightline.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one way Sightline replaces a small file (an incident, the alert state, an SLO spec sent
 * through the API): the bytes go to a hidden temporary file beside it ({@code .NAME.tmp}), which is
 * fsynced, renamed over the target atomically, and then the folder is fsynced so that the rename
 * itself survives a power cut. After a crash the file is whole, old or new; a stray temporary file
 * is harmless (readers skip hidden files) and is overwritten by the next write.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Replaces {@code file} with {@code bytes}, durably (see the class comment). */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) ch.write(buffer);
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(parent);
  }

  /**
   * {@link #write(Path, byte[])} of a file readable and writable by its owner only ({@code
   * rw-------}) where the file system supports POSIX permissions: the temporary file is created
   * with them, so the content is never readable by others, not even briefly.
   */
  public static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (Files.getFileStore(parent).supportsFileAttributeView(PosixFileAttributeView.class)) {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    write(file, bytes);
  }

  /** {@link #write(Path, byte[])} of UTF-8 text. */
  public static void write(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Deletes {@code file} if present and fsyncs its folder, so that the deletion survives a crash.
   *
   * @return whether the file existed
   */
  public static boolean delete(Path file) throws IOException {
    boolean existed = Files.deleteIfExists(file);
    if (existed) syncDirectory(file.toAbsolutePath().getParent());
    return existed;
  }

  /**
   * Forces a folder's entries (renames, creations, deletions) to disk; a no-op where unsupported.
   */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some platforms (Windows) cannot open a folder as a channel; the rename is still atomic
      if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("win")) {
        throw e;
      }
    }
  }
}
