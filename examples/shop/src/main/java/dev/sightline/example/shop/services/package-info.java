/**
 * The shop's services: frontend, order, inventory, payment and the asynchronous shipping consumer.
 */
@NullMarked
package dev.sightline.example.shop.services;

import org.jspecify.annotations.NullMarked;
