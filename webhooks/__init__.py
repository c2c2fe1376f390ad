"""Outgoing webhooks: subscriptions, the event outbox and its signed, retried delivery.

A domain package: it imports only the kernel (and httpx), never the edge, another domain
package or the scheduler; the edge emits events through `webhooks.events.emit`.
"""
