package dev.sightline.server.config;

import java.net.InetSocketAddress;

/** A {@code HOST:PORT} to listen on; {@code :PORT} and {@code [v6]:PORT} are accepted. */
public record ListenAddress(String host, int port) {
  public ListenAddress {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
  }

  /**
   * Parses {@code HOST:PORT}.
   *
   * @throws IllegalArgumentException with a message naming what is wrong
   */
  public static ListenAddress parse(String value) {
    String v = value.trim();
    int colon = v.lastIndexOf(':');
    if (colon < 0) throw new IllegalArgumentException("expected HOST:PORT, got '" + value + "'");
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    if (host.isEmpty()) host = "0.0.0.0";
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + value + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in '" + value + "'");
    }
    return new ListenAddress(host, port);
  }

  /** True for {@code localhost} and loopback addresses ({@code 127.0.0.0/8}, {@code ::1}). */
  public boolean isLoopback() {
    if (host.equalsIgnoreCase("localhost")) return true;
    InetSocketAddress address = toSocketAddress();
    return !address.isUnresolved() && address.getAddress().isLoopbackAddress();
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
