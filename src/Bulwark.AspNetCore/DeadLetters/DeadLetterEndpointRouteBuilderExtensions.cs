using Bulwark.Messaging.DeadLetters;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.AspNetCore.DeadLetters;

/// <summary>Maps the dead-letter admin API (<see cref="IDeadLetterAdmin"/> of Bulwark.Messaging) over HTTP. Protect the group (e.g. <c>RequireAuthorization</c>): it can replay and delete messages.</summary>
public static class DeadLetterEndpointRouteBuilderExtensions
{
    /// <summary>The problem <c>type</c> of a 404 for an unknown dead letter (an API description lists it).</summary>
    public const string NotFoundType = "https://bulwark.dev/problems/dead-letter-not-found";

    /// <summary>
    /// Maps <c>GET {prefix}</c> (list; <c>?queue=&amp;type=&amp;limit=</c>), <c>GET {prefix}/{id}</c> (inspect),
    /// <c>POST {prefix}/{id}/redrive</c>, <c>POST {prefix}/redrive</c> (filtered or all), <c>DELETE {prefix}/{id}</c>,
    /// <c>DELETE {prefix}</c> (purge filtered or all) and <c>GET {prefix}/depth</c>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The route prefix, e.g. <c>/admin/dlq</c>.</param>
    /// <returns>The route group, to add authorization or tags.</returns>
    public static RouteGroupBuilder MapBulwarkDeadLetters(this IEndpointRouteBuilder endpoints, string prefix = "/admin/dlq")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix).WithTags("Dead letters");

        group.MapGet("/", async (IDeadLetterAdmin admin, string? queue, string? type, int? limit, CancellationToken ct) =>
            Results.Ok((await admin.ListAsync(Filter(queue, type, limit ?? 100), ct).ConfigureAwait(false)).Select(DeadLetterDto.From)))
            .WithName("ListDeadLetters");

        group.MapGet("/depth", async (IDeadLetterAdmin admin, CancellationToken ct) =>
            Results.Ok(new { depth = await admin.CountAsync(ct).ConfigureAwait(false) }))
            .WithName("GetDeadLetterDepth");

        group.MapGet("/{id}", async (IDeadLetterAdmin admin, string id, CancellationToken ct) =>
            await admin.GetAsync(id, ct).ConfigureAwait(false) is { } found ? Results.Ok(DeadLetterDto.From(found, includeBody: true)) : NotFound(id))
            .WithName("GetDeadLetter");

        group.MapPost("/{id}/redrive", async (IDeadLetterAdmin admin, string id, CancellationToken ct) =>
            await admin.RedriveAsync(id, ct).ConfigureAwait(false) ? Results.Ok(new { redriven = 1 }) : NotFound(id))
            .WithName("RedriveDeadLetter");

        group.MapPost("/redrive", async (IDeadLetterAdmin admin, string? queue, string? type, CancellationToken ct) =>
            Results.Ok(new { redriven = await admin.RedriveAsync(Filter(queue, type, int.MaxValue), ct).ConfigureAwait(false) }))
            .WithName("RedriveDeadLetters");

        group.MapDelete("/{id}", async (IDeadLetterAdmin admin, string id, CancellationToken ct) =>
            await admin.PurgeAsync(id, ct).ConfigureAwait(false) ? Results.Ok(new { purged = 1 }) : NotFound(id))
            .WithName("PurgeDeadLetter");

        group.MapDelete("/", async (IDeadLetterAdmin admin, string? queue, string? type, CancellationToken ct) =>
            Results.Ok(new { purged = await admin.PurgeAsync(Filter(queue, type, int.MaxValue), ct).ConfigureAwait(false) }))
            .WithName("PurgeDeadLetters");

        return group;
    }

    private static DeadLetterFilter Filter(string? queue, string? type, int limit) =>
        new() { SourceQueue = queue, MessageType = type, Limit = Math.Clamp(limit, 1, int.MaxValue) };

    private static IResult NotFound(string id) => Results.Problem(
        type: NotFoundType,
        title: "Dead letter not found",
        detail: $"There is no dead letter with id '{id}'; it may have been redriven or purged.",
        statusCode: StatusCodes.Status404NotFound);

    private sealed record DeadLetterDto(
        string Id,
        string MessageId,
        string MessageType,
        string SourceQueue,
        string Reason,
        string? ExceptionType,
        string? StackTrace,
        int Attempts,
        bool Permanent,
        DateTimeOffset DeadLetteredAt,
        string? CorrelationId,
        IReadOnlyDictionary<string, string> Headers,
        string? Body)
    {
        public static DeadLetterDto From(DeadLetter d) => From(d, includeBody: false);

        public static DeadLetterDto From(DeadLetter d, bool includeBody) => new(
            d.Id,
            d.Envelope.MessageId,
            d.Envelope.MessageType,
            d.SourceQueue,
            d.Reason,
            d.ExceptionType,
            includeBody ? d.StackTrace : null,
            d.Attempts,
            d.Permanent,
            d.DeadLetteredAt,
            d.Envelope.CorrelationId,
            d.Envelope.Headers,
            includeBody ? System.Text.Encoding.UTF8.GetString(d.Envelope.Body.Span) : null);
    }
}
