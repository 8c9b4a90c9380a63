using Bulwark.AspNetCore.Problems;
using Bulwark.EventSourcing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Projections;

/// <summary>
/// Maps projection operations over HTTP: how far each read model lags the event log, and a rebuild from position 0
/// (the Codex's "Replay" test). Protect the group: a rebuild empties a read model while it replays.
/// </summary>
public static class ProjectionEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {prefix}</c> (every projection registered with <c>AddProjection</c>: position, head, lag) and
    /// <c>POST {prefix}/{name}/rebuild</c> (empties the read model, replays the whole log, answers when caught up).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The route prefix, e.g. <c>/admin/projections</c>.</param>
    /// <returns>The route group, to add authorization or tags.</returns>
    public static RouteGroupBuilder MapBulwarkProjections(this IEndpointRouteBuilder endpoints, string prefix = "/admin/projections")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix).WithTags("Projections");
        group.MapGet("/", ListAsync).WithName("ListProjections");
        group.MapPost("/{name}/rebuild", RebuildAsync).WithName("RebuildProjection");
        return group;
    }

    private static async Task<Ok<IReadOnlyList<ProjectionStatus>>> ListAsync(
        IEnumerable<ProjectionRunner> runners, IEventStore events, CancellationToken cancellationToken)
    {
        var head = await events.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ProjectionStatus> statuses =
            [.. runners.Select(r => new ProjectionStatus(r.ProjectionName, r.Position, head, Math.Max(0, head - Math.Max(0, r.Position))))];
        return TypedResults.Ok(statuses);
    }

    private static async Task<Results<Ok<ProjectionRebuilt>, ProblemHttpResult>> RebuildAsync(
        string name, IEnumerable<ProjectionRunner> runners, IHostApplicationLifetime lifetime, TimeProvider timeProvider)
    {
        var all = runners.ToList();
        var runner = all.Find(r => string.Equals(r.ProjectionName, name, StringComparison.Ordinal));
        if (runner is null)
        {
            return ProblemResults.NotFound($"There is no projection '{name}'; known: {string.Join(", ", all.Select(r => r.ProjectionName))}.");
        }

        // Not the request's token: a client that hangs up must not leave a half-replayed read model behind. The runner
        // would finish it from its checkpoint anyway; this way the rebuild ends as one piece of work.
        var started = timeProvider.GetTimestamp();
        try
        {
            await runner.RebuildAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (ProjectionLeaseHeldException e)
        {
            return ProblemResults.Conflict(e.Message);
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        return TypedResults.Ok(new ProjectionRebuilt(runner.ProjectionName, runner.Position, Math.Round(elapsed.TotalMilliseconds, 1)));
    }

    /// <summary>A projection's progress through the event log.</summary>
    /// <param name="Name">The projection.</param>
    /// <param name="Position">The last position it applied (-1 before its first batch).</param>
    /// <param name="HeadPosition">The newest position in the log.</param>
    /// <param name="Lag">Events written but not yet in the read model.</param>
    public sealed record ProjectionStatus(string Name, long Position, long HeadPosition, long Lag);

    /// <summary>The result of a rebuild.</summary>
    /// <param name="Name">The projection.</param>
    /// <param name="Position">The position the rebuilt read model reached.</param>
    /// <param name="DurationMs">How long the reset and replay took.</param>
    public sealed record ProjectionRebuilt(string Name, long Position, double DurationMs);
}
