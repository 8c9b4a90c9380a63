using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Physics;

/// <summary>
/// Physics, for static content offloading (Codex 19): loads product pages the way fresh browsers do — the HTML from the
/// target, then every stylesheet, script and picture it links, from wherever the page says (the CDN) — and counts, at
/// the origin, the static requests that got through (<c>bulwark_static_origin_requests_total</c>). After a warm-up it
/// should be about none.
/// </summary>
public sealed partial class PhysicsDrill : Drill<PhysicsOptions>
{
    private const string OriginCounter = "bulwark_static_origin_requests_total";

    /// <summary>Creates the drill.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public PhysicsDrill(PhysicsOptions? options = null)
        : base(new("physics", "Physics (Static Content Offloading)", "Are we asking every visitor to download our pictures and scripts from the application server, or does a CDN serve them?", ["19 Static Content Offloading"]), options)
    {
    }

    /// <inheritdoc />
    protected override async Task ArrangeCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        await context.RequireTargetAnswersAsync(PagePath(1), cancellationToken).ConfigureAwait(false);
        using var pages = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        var assets = await LinkedAssetsAsync(pages, 1, cancellationToken).ConfigureAwait(false);
        if (assets.Count == 0)
        {
            throw new DrillPreconditionException($"{PagePath(1)} links no stylesheet, script or picture; nothing to offload.");
        }

        // An unknown name under the assets' folder, straight at the origin: it answers 404 and is counted, so the counter
        // exists before the measurement (a counter never incremented is not exported, and absent would read as 0).
        var folder = assets[0].AbsolutePath[..(assets[0].AbsolutePath.LastIndexOf('/') + 1)];
        (await pages.GetAsync(new Uri(folder + "bulwark-physics-probe", UriKind.Relative), cancellationToken).ConfigureAwait(false)).Dispose();

        if (await ReadOriginCounterAsync(context, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new DrillPreconditionException($"The origin's /metrics has no {OriginCounter}: it does not count static requests, so offloading cannot be measured (map assets with MapBulwarkStaticAssets; set --set physics.MetricsUrl=... outside Development).");
        }
    }

    /// <inheritdoc />
    protected override async Task<DrillVerdict> ExerciseCoreAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var pages = LoopbackHttp.CreateClient(context.Target, Options.RequestTimeout);
        using var assets = new HttpClient(LoopbackHttp.CreateHandler(Options.RequestTimeout, Options.Workers * 2), disposeHandler: true) { Timeout = Options.RequestTimeout };

        // Warm-up: every page once, so the CDN has fetched each asset from the origin.
        var warmUp = new Visits();
        await VisitAsync(context, pages, assets, Options.Products, warmUp, cancellationToken).ConfigureAwait(false);
        var before = await ReadOriginCounterAsync(context, cancellationToken).ConfigureAwait(false) ?? 0;
        var measured = new Visits();
        await VisitAsync(context, pages, assets, Options.PageLoads, measured, cancellationToken).ConfigureAwait(false);
        var after = await ReadOriginCounterAsync(context, cancellationToken).ConfigureAwait(false) ?? before;
        return PhysicsJudge.Judge(new PhysicsMeasurements(
            measured.Pages, measured.PageFailures, measured.Assets, measured.AssetFailures, after - before, measured.AssetsOnOrigin,
            measured.CacheHits, measured.CacheControl, [.. measured.Failures]), Options);
    }

    private string PagePath(int productId) => Options.PagePath.Replace("{id}", productId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    // Closed-loop visitors; load n goes to product (n mod Products) + 1, so every page is visited evenly.
    private async Task VisitAsync(DrillContext context, HttpClient pages, HttpClient assets, int loads, Visits visits, CancellationToken cancellationToken)
    {
        var next = -1L;
        var workers = Enumerable.Range(0, Options.Workers).Select(async _ =>
        {
            long n;
            while ((n = Interlocked.Increment(ref next)) < loads)
            {
                await LoadPageAsync(context, pages, assets, (int)(n % Options.Products) + 1, visits, cancellationToken).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private async Task LoadPageAsync(DrillContext context, HttpClient pages, HttpClient assets, int productId, Visits visits, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref visits.Pages);
        IReadOnlyList<Uri> linked;
        try
        {
            linked = await LinkedAssetsAsync(pages, productId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref visits.PageFailures);
            visits.Fail($"{PagePath(productId)}: {e.Message}");
            return;
        }

        foreach (var asset in linked)
        {
            Interlocked.Increment(ref visits.Assets);
            if (string.Equals(asset.Authority, context.Target.Authority, StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref visits.AssetsOnOrigin);
            }

            try
            {
                using var response = await assets.GetAsync(asset, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref visits.AssetFailures);
                    visits.Fail($"{asset}: {(int)response.StatusCode}");
                    continue;
                }

                visits.CacheControl ??= response.Headers.CacheControl?.ToString();
                if (response.Headers.TryGetValues("X-Cache", out var cache) && cache.Any(v => v.StartsWith("HIT", StringComparison.OrdinalIgnoreCase)))
                {
                    Interlocked.Increment(ref visits.CacheHits);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref visits.AssetFailures);
                visits.Fail($"{asset}: {e.Message}");
            }
        }
    }

    // The page's stylesheets, scripts and pictures, as absolute URLs; each must be on loopback like the target.
    private async Task<IReadOnlyList<Uri>> LinkedAssetsAsync(HttpClient pages, int productId, CancellationToken cancellationToken)
    {
        var path = PagePath(productId);
        using var response = await pages.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidDataException($"answered {(int)response.StatusCode}");
        }

        var html = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var page = new Uri(pages.BaseAddress!, path);
        var urls = new List<Uri>();
        foreach (Match link in AssetLink().Matches(html))
        {
            var url = new Uri(page, WebUtility.HtmlDecode(link.Groups["url"].Value));
            urls.Add(LoopbackTarget.Ensure(url));
        }

        return urls;
    }

    private async Task<double?> ReadOriginCounterAsync(DrillContext context, CancellationToken cancellationToken)
    {
        using var client = LoopbackHttp.CreateClient(context.Target, TimeSpan.FromSeconds(10));
        var url = Options.MetricsUrl is { } metrics ? new Uri(LoopbackTarget.Ensure(metrics), "/metrics") : new Uri("/metrics", UriKind.Relative);
        using var response = await client.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new DrillPreconditionException($"GET {url} answered {(int)response.StatusCode}: the origin's Prometheus scrape is needed to count its static requests (--set physics.MetricsUrl=http://127.0.0.1:<management port>).");
        }

        // One series per outcome: every static request that reached the origin counts, whatever it was answered.
        double? total = null;
        foreach (var line in (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Split('\n'))
        {
            if (!line.StartsWith(OriginCounter, StringComparison.Ordinal) || line.Length == OriginCounter.Length || line[OriginCounter.Length] is not ('{' or ' '))
            {
                continue;
            }

            // name{labels} value [timestamp]: the value is the first field after the labels (which may hold spaces).
            var fields = line[(line.LastIndexOf('}') is var close and >= 0 ? close + 1 : OriginCounter.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total = (total ?? 0) + value;
            }
        }

        return total;
    }

    [GeneratedRegex(@"<(?:link|script|img)\b[^>]*?\b(?:href|src)=""(?<url>[^""]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AssetLink();

    private sealed class Visits
    {
        public long Pages;
        public long PageFailures;
        public long Assets;
        public long AssetFailures;
        public long AssetsOnOrigin;
        public long CacheHits;
        public string? CacheControl;
        private readonly ConcurrentQueue<string> _failures = new();

        public IEnumerable<string> Failures => _failures;

        public void Fail(string what)
        {
            if (_failures.Count < 10)
            {
                _failures.Enqueue(what);
            }
        }
    }
}
