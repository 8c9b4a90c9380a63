using System.Diagnostics;

namespace Bulwark.ControlRoom.Traces;

/// <summary>One finished span of a kept trace.</summary>
/// <param name="SpanId">The span id.</param>
/// <param name="ParentSpanId">The parent's span id (a remote parent's too), or <see langword="null"/>.</param>
/// <param name="Name">The display name (e.g. <c>GET /api/orders/{id}</c>).</param>
/// <param name="Source">The activity source.</param>
/// <param name="Kind">Server, client, internal, producer or consumer.</param>
/// <param name="Start">When it started.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Failed">Whether it ended in error.</param>
/// <param name="StatusDescription">The error description or the HTTP status, if any.</param>
public sealed record SpanRecord(
    string SpanId, string? ParentSpanId, string Name, string Source, ActivityKind Kind, DateTimeOffset Start, TimeSpan Duration, bool Failed, string? StatusDescription);

/// <summary>A trace the tail-keeping rule kept, with why.</summary>
/// <param name="TraceId">The W3C trace id (32 hex digits).</param>
/// <param name="Reason">Why it was kept: <c>error</c> or <c>slow</c>.</param>
/// <param name="Root">The local root span's name.</param>
/// <param name="Duration">The local root span's duration.</param>
/// <param name="KeptAt">When the rule kept it.</param>
/// <param name="Spans">Its spans, by start time.</param>
/// <param name="DroppedSpans">Spans beyond the per-trace limit, counted but not stored.</param>
public sealed record KeptTrace(
    string TraceId, string Reason, string Root, TimeSpan Duration, DateTimeOffset KeptAt, IReadOnlyList<SpanRecord> Spans, int DroppedSpans);
