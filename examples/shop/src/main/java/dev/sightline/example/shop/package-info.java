/**
 * The multi-service shop Sightline diagnoses: assembly, load generator, admin endpoints and CLI.
 */
@NullMarked
package dev.sightline.example.shop;

import org.jspecify.annotations.NullMarked;
