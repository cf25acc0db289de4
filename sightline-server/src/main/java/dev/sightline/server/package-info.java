/** The runnable Sightline server: CLI, configuration, wiring of receivers, storage and API. */
@NullMarked
package dev.sightline.server;

import org.jspecify.annotations.NullMarked;
