using System.Globalization;
using Bulwark.Drills.Model;

namespace Bulwark.Drills.Physics;

/// <summary>What the Physics drill observed over the measured page loads (after warm-up).</summary>
/// <param name="PageLoads">Pages loaded.</param>
/// <param name="PageFailures">Pages not answered 200 with HTML.</param>
/// <param name="AssetFetches">Asset requests sent to the URLs the pages gave.</param>
/// <param name="AssetFailures">Those not answered 200.</param>
/// <param name="OriginStaticRequests">Static-content requests the origin counted meanwhile.</param>
/// <param name="AssetsOnOrigin">Asset fetches whose URL was the origin itself (no CDN base URL in the page).</param>
/// <param name="CacheHits">Asset answers the cache marked as hits (<c>X-Cache: HIT</c>; 0 when it does not say).</param>
/// <param name="AssetCacheControl">The <c>Cache-Control</c> of the first asset answer.</param>
/// <param name="FailureSamples">The first failures.</param>
public sealed record PhysicsMeasurements(
    long PageLoads, long PageFailures, long AssetFetches, long AssetFailures, double OriginStaticRequests, long AssetsOnOrigin,
    long CacheHits, string? AssetCacheControl, IReadOnlyList<string> FailureSamples);

/// <summary>The Physics drill's verdict rules, pure so they are tested without a network.</summary>
public static class PhysicsJudge
{
    /// <summary>Passed when every page and asset was served and at most <see cref="PhysicsOptions.MaxOriginShare"/> of the asset fetches reached the origin.</summary>
    public static DrillVerdict Judge(PhysicsMeasurements m, PhysicsOptions options)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(options);
        var share = m.AssetFetches == 0 ? 1.0 : m.OriginStaticRequests / m.AssetFetches;
        var figures = new List<DrillFigure>
        {
            DrillFigure.AtMost("asset fetches that reached the origin", share * 100, "%", options.MaxOriginShare * 100),
            DrillFigure.Info("origin static requests", m.OriginStaticRequests, "requests"),
            DrillFigure.Info("asset fetches", m.AssetFetches, "requests"),
            DrillFigure.Info("page loads", m.PageLoads, "pages"),
            DrillFigure.AtMost("failed pages and assets", m.PageFailures + m.AssetFailures, "requests", 0),
            DrillFigure.Info("cache hits reported", m.CacheHits, "requests"),
        };
        var failures = new List<string>();
        var findings = new List<string>();
        if (m.AssetFetches == 0)
        {
            failures.Add("The pages linked no static assets, so nothing could be offloaded.");
        }
        else if (share > options.MaxOriginShare)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"The origin served {m.OriginStaticRequests:0} static requests for {m.AssetFetches} asset fetches ({share:P1}; at most {options.MaxOriginShare:P1}): the CDN is not keeping the assets."));
            if (m.AssetsOnOrigin > 0)
            {
                findings.Add($"{m.AssetsOnOrigin} asset URLs pointed at the origin itself: configure the CDN base URL (Shop:Static:CdnBaseUrl) so pages name assets at the CDN.");
            }

            if (m.AssetCacheControl is not { } cc || !cc.Contains("max-age", StringComparison.OrdinalIgnoreCase) || cc.Contains("no-cache", StringComparison.OrdinalIgnoreCase) || cc.Contains("no-store", StringComparison.OrdinalIgnoreCase))
            {
                findings.Add($"Assets were answered with Cache-Control '{m.AssetCacheControl ?? "(none)"}': a CDN keeps only what the origin marks cacheable. Serve content-hashed names with 'public, max-age=31536000, immutable' (Shop:Static:CacheControl).");
            }
            else
            {
                findings.Add("Assets are marked cacheable, yet the origin saw the fetches: is the CDN in front of the origin, and does it keep what the origin marks cacheable (deploy/cdn/start.sh)?");
            }
        }

        if (m.PageFailures + m.AssetFailures > 0)
        {
            failures.Add($"{m.PageFailures} pages and {m.AssetFailures} assets failed, e.g. {string.Join("; ", m.FailureSamples.Take(3))}.");
        }

        return DrillVerdict.FromChecks(
            string.Create(CultureInfo.InvariantCulture, $"{m.PageLoads} page loads fetched {m.AssetFetches} assets through the CDN; the origin served {m.OriginStaticRequests:0} of them ({share:P2})."),
            failures, figures, findings);
    }
}
