package dev.sightline.example.shop.platform;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory, bounded message queue standing in for Kafka or RabbitMQ. A message crosses from
 * producer to consumer with its headers only: trace context and baggage must travel in them, as
 * they would through a real broker (seed 004 §1.6).
 */
public final class MessageBroker {
  /**
   * A message: headers, a key and a body, and when it was enqueued.
   *
   * @param headers the message headers (trace context, baggage, ...)
   * @param key the message key (the order id)
   * @param body the payload
   * @param enqueuedNanos {@link System#nanoTime()} when it was enqueued
   */
  public record Message(Map<String, String> headers, String key, String body, long enqueuedNanos) {
    public Message {
      headers = Map.copyOf(headers);
    }
  }

  private final String topic;
  private final BlockingQueue<Message> queue;

  public MessageBroker(String topic, int capacity) {
    this.topic = topic;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  public String topic() {
    return topic;
  }

  /** Enqueues {@code message}, waiting at most {@code wait}; false when the queue stayed full. */
  public boolean publish(Message message, Duration wait) throws InterruptedException {
    return queue.offer(message, wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The next message, or null after {@code wait}. */
  public @Nullable Message poll(Duration wait) throws InterruptedException {
    return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Messages waiting. */
  public int depth() {
    return queue.size();
  }
}
