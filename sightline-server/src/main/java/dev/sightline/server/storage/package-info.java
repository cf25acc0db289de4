/** Opening the storage backend {@code --storage} chose. */
@NullMarked
package dev.sightline.server.storage;

import org.jspecify.annotations.NullMarked;
