package dev.sightline.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over a protobuf body for {@link ProtobufSpanDecoder}: protobuf-java's own {@link
 * CodedInputStream} for every primitive read (so varints, lengths, UTF-8 validation and their error
 * messages are exactly those of the generated classes), plus the two things the generated classes
 * get from {@code readMessage}/{@code readGroup} and a decoder without message builders has to do
 * itself: the nesting limit, and skipping unknown groups.
 *
 * <p>protobuf-java counts nested messages and groups together (its {@code messageDepth +
 * groupDepth}) and refuses to enter one more when the count is already {@value #RECURSION_LIMIT};
 * the outermost message does not count. {@link #beginMessage()} and {@link #skipUnknown(int)} keep
 * that count here, in the same order of checks: length, then depth, then limit.
 *
 * <p>Unknown fields are read with the calls {@code UnknownFieldSet.Builder.mergeFieldFrom} makes,
 * not with {@code skipField}: they are not equivalent. {@code readInt64} accepts a 10-byte varint
 * whose last byte still has its continuation bit set, where {@code skipField} rejects it as
 * malformed (protobuf-java 4.36, checked by {@code ProtobufSpanDecoderTest}). Lengths and 32-bit
 * integers are read with {@code readUInt32}, the reader the generated code's calls use. Offsets
 * into the buffer are {@code getTotalBytesRead()}: the stream is made over the whole array.
 */
final class WireReader {
  /** protobuf-java's default recursion limit. */
  static final int RECURSION_LIMIT = 100;

  /** {@code InvalidProtocolBufferException.recursionLimitExceeded()}'s message (not public). */
  static final String RECURSION_MESSAGE =
      "Protocol message had too many levels of nesting.  May be malicious.  Use"
          + " setRecursionLimit() to increase the recursion depth limit.";

  /** {@code InvalidProtocolBufferException.invalidEndTag()}'s message (not public). */
  static final String END_TAG = "Protocol message end-group tag did not match expected tag.";

  private final byte[] buffer;
  private final CodedInputStream in;
  private int depth;
  private int lastLength;

  WireReader(byte[] buffer) {
    this.buffer = buffer;
    this.in = CodedInputStream.newInstance(buffer);
  }

  /** The next tag, or 0 at the end of the current message; a field number 0 is an error. */
  int readTag() throws IOException {
    return in.readTag();
  }

  /** Nesting of the message being read: 0 for the request itself. */
  int depth() {
    return depth;
  }

  /**
   * Enters the length-delimited message whose tag was just read, as {@code readMessage} does.
   *
   * @return the enclosing limit, for {@link #endMessage(int)}
   */
  int beginMessage() throws IOException {
    int length = in.readUInt32();
    checkDepth();
    int oldLimit = in.pushLimit(length);
    depth++;
    return oldLimit;
  }

  /**
   * Leaves a message whose fields were read until {@link #readTag()} returned 0 (a loop ended by an
   * end-group tag fails here, as in protobuf-java).
   */
  void endMessage(int oldLimit) throws IOException {
    in.checkLastTagWas(0);
    depth--;
    in.popLimit(oldLimit);
  }

  /**
   * Skips a field the decoder does not read, as the generated {@code parseUnknownField} does: any
   * wire type, including a known field number with an unexpected wire type. Groups are walked (they
   * count towards the nesting limit and must end with their own end-group tag); an end-group tag
   * outside a group and wire types 6 and 7 are errors.
   */
  void skipUnknown(int tag) throws IOException {
    switch (WireFormat.getTagWireType(tag)) {
      case WireFormat.WIRETYPE_VARINT -> in.readInt64(); // not skipField: see the class comment
      case WireFormat.WIRETYPE_FIXED64 -> in.readFixed64();
      case WireFormat.WIRETYPE_FIXED32 -> in.readFixed32();
      case WireFormat.WIRETYPE_START_GROUP -> skipGroup(tag);
      // outside a group (a group's end is read by skipGroup): protobuf-java 4.36's skipField
      // throws this, older versions returned false; explicit so neither version matters
      case WireFormat.WIRETYPE_END_GROUP -> throw new InvalidProtocolBufferException(END_TAG);
      default -> in.skipField(tag); // bytes; wire types 6 and 7 throw
    }
  }

  private void skipGroup(int startTag) throws IOException {
    checkDepth();
    depth++;
    while (true) {
      int tag = in.readTag();
      if (tag == 0 || WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_END_GROUP) break;
      skipUnknown(tag);
    }
    in.checkLastTagWas(endGroupTag(startTag));
    depth--;
  }

  /** The end-group tag matching {@code startTag} (same field number). */
  private static int endGroupTag(int startTag) {
    return (startTag & ~7) | WireFormat.WIRETYPE_END_GROUP;
  }

  private void checkDepth() throws InvalidProtocolBufferException {
    if (depth >= RECURSION_LIMIT) throw new InvalidProtocolBufferException(RECURSION_MESSAGE);
  }

  // ------------------------------------------------------------ values

  String readString() throws IOException {
    return in.readStringRequireUtf8();
  }

  /**
   * Reads an attribute key. Keys repeat across the spans of a request (ten per span, from a few
   * dozen distinct ones), so a key whose bytes were already read as a valid string returns that
   * {@code String} instead of decoding and allocating a new one. Only keys with a one-byte length
   * prefix are looked up; a hit skips the same bytes {@code readStringRequireUtf8} would read (and
   * fails the same way when they pass the end of the message), everything else is that call.
   */
  String readKey() throws IOException {
    int pos = in.getTotalBytesRead();
    int length = pos < buffer.length ? buffer[pos] : 0;
    if (length <= 0 || pos + 1 + length > buffer.length) return in.readStringRequireUtf8();
    int offset = pos + 1;
    int slot = hash(offset, length) & (KEY_SLOTS - 1);
    String key = keys[slot];
    int cached = keyOffsets[slot];
    if (key != null
        && keyLengths[slot] == length
        && Arrays.equals(buffer, cached, cached + length, buffer, offset, offset + length)) {
      in.skipRawBytes(1 + length);
      return key;
    }
    key = in.readStringRequireUtf8();
    keys[slot] = key;
    keyOffsets[slot] = offset;
    keyLengths[slot] = length;
    return key;
  }

  private static final int KEY_SLOTS = 256;
  private final String[] keys = new String[KEY_SLOTS];
  private final int[] keyOffsets = new int[KEY_SLOTS];
  private final int[] keyLengths = new int[KEY_SLOTS];

  /**
   * A few bytes of the key and its length, not all of it: the slot only has to spread a few dozen
   * distinct keys (a collision costs a decode, {@code Arrays.equals} decides), and hashing every
   * byte was 12 % of the decoder's time.
   */
  private int hash(int offset, int length) {
    int last = offset + length - 1;
    int h = length;
    h = 31 * h + buffer[offset];
    h = 31 * h + buffer[offset + (length >> 2)];
    h = 31 * h + buffer[offset + (length >> 1)];
    h = 31 * h + buffer[last - (length >> 2)];
    h = 31 * h + buffer[last];
    return h ^ (h >>> 8) ^ (h >>> 16);
  }

  byte[] readBytes() throws IOException {
    return in.readByteArray();
  }

  /**
   * Skips a {@code bytes} field and returns its offset in the buffer; its length is then {@link
   * #lastLength()}. Ids are kept as (offset, length) so that a valid one costs only its hex string.
   */
  int skipBytes() throws IOException {
    lastLength = in.readUInt32();
    int offset = in.getTotalBytesRead();
    in.skipRawBytes(lastLength);
    return offset;
  }

  int lastLength() {
    return lastLength;
  }

  long readFixed64() throws IOException {
    return in.readFixed64();
  }

  int readFixed32() throws IOException {
    return in.readFixed32();
  }

  /** {@code uint32}, {@code int32} and enums: a varint truncated to 32 bits. */
  int readVarint32() throws IOException {
    return in.readUInt32(); // what the generated code calls for uint32 (readEnum, readInt32 alike)
  }

  long readInt64() throws IOException {
    return in.readInt64();
  }

  boolean readBool() throws IOException {
    return in.readBool();
  }

  double readDouble() throws IOException {
    return in.readDouble();
  }

  // ------------------------------------------------------------ ids in the buffer

  /** True when the id at {@code offset} has {@code size} bytes and is not all zeros. */
  boolean isValidId(int offset, int length, int size) {
    if (length != size) return false;
    for (int i = offset; i < offset + length; i++) {
      if (buffer[i] != 0) return true;
    }
    return false;
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** Lowercase hex, as {@code Ids.toHex}, without copying the id out of the buffer first. */
  String hex(int offset, int length) {
    byte[] out = new byte[length * 2];
    for (int i = 0; i < length; i++) {
      int b = buffer[offset + i] & 0xff;
      out[2 * i] = HEX[b >>> 4];
      out[2 * i + 1] = HEX[b & 0xf];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /**
   * The bytes at {@code offset} as UTF-8 text with replacement characters, as {@code toStringUtf8}.
   */
  String utf8(int offset, int length) {
    return new String(buffer, offset, length, StandardCharsets.UTF_8);
  }
}
