/** Fault injection: the faults a real incident would bring, switchable at run time. */
@NullMarked
package dev.sightline.example.shop.faults;

import org.jspecify.annotations.NullMarked;
