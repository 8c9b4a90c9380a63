using System.ComponentModel.DataAnnotations;
using Bulwark.AspNetCore.Problems;
using Bulwark.Sharding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Admin;

namespace Shop.Infrastructure.Sharding;

/// <summary>
/// Operator endpoints of the shard map: the map with each shard's buckets and routed requests (the Hotspot drill's
/// per-shard load), and an online bucket move (the drill's mitigation: a hot customer's bucket on a shard of its own).
/// Mapped always, so the API description is the same with sharding on or off; off, they answer 404.
/// </summary>
public static class ShopShardingEndpoints
{
    /// <summary>Maps <c>/api/admin/shards</c>.</summary>
    /// <param name="endpoints">The endpoint builder.</param>
    public static void MapShopSharding(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var shards = endpoints.MapGroup("/api/admin/shards").WithTags("Sharding").RequireShopAdmin();
        shards.MapGet("/", GetMap).WithName("GetShardMap");
        shards.MapPost("/moves", MoveAsync).WithName("MoveShardBucket");
    }

    private static Results<Ok<ShardMapView>, ProblemHttpResult> GetMap(IServiceProvider services)
    {
        if (services.GetService<ShardRouter>() is not { } router || router.CurrentMap is not { } map)
        {
            return Off();
        }

        var requests = services.GetRequiredService<ShardingMetrics>().RequestsPerShard();
        return TypedResults.Ok(new ShardMapView(
            map.Version,
            map.BucketCount,
            [.. router.Shards.Select(s => new ShardView(s.Name, map.BucketsOf(s.Name).Count, requests.GetValueOrDefault(s.Name)))]));
    }

    private static async Task<Results<Ok<BucketMoveResult>, ProblemHttpResult>> MoveAsync(BucketMove? body, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<ShardBucketMover>() is not { } mover || services.GetService<ShardRouter>() is not { } router)
        {
            return Off();
        }

        if (body is null || body.Bucket < 0 || body.Bucket >= router.BucketCount || router.Shards.All(s => s.Name != body.ToShard))
        {
            return ProblemResults.Unprocessable(
                $"Send {{\"bucket\":0..{router.BucketCount - 1},\"toShard\":\"{router.Shards[0].Name}\"}}; the shards are {string.Join(", ", router.Shards.Select(s => s.Name))}.");
        }

        // A move is short and must not be cut half-way by a client that gives up: it runs to its end (or its own
        // clean abandonment before the flip) whatever happens to the request.
        return TypedResults.Ok(await mover.MoveAsync(body.Bucket, body.ToShard!, CancellationToken.None));
    }

    private static ProblemHttpResult Off() =>
        ProblemResults.NotFound($"Sharding is off: set {ShopShardingOptions.SectionName}:Shards:0:ConnectionString (docs/sharding.md).");

    /// <summary>A bucket move to start.</summary>
    /// <param name="Bucket">The bucket (an id's first four hex digits).</param>
    /// <param name="ToShard">The target shard's name.</param>
    public sealed record BucketMove(int Bucket, [property: Required] string? ToShard);

    /// <summary>The cached shard map.</summary>
    /// <param name="Version">The map's version.</param>
    /// <param name="BucketCount">The number of buckets.</param>
    /// <param name="Shards">Each shard.</param>
    public sealed record ShardMapView(long Version, int BucketCount, IReadOnlyList<ShardView> Shards);

    /// <summary>One shard in the map.</summary>
    /// <param name="Name">Its name.</param>
    /// <param name="Buckets">Buckets it owns.</param>
    /// <param name="Requests">Requests this instance routed to it since start.</param>
    public sealed record ShardView(string Name, int Buckets, long Requests);
}
