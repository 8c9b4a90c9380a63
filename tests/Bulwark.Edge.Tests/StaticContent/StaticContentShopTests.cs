using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.Edge.Tests.Support;

namespace Bulwark.Edge.Tests.StaticContent;

/// <summary>
/// The shop's static content on its real process (Codex 19): pages name content-hashed assets at the configured CDN;
/// the assets are immutable for a year with strong ETags and 304s; a name without its hash is refused; every static
/// request reaching the origin is counted.
/// </summary>
[Collection(ShopProcesses.Name)]
public sealed partial class StaticContentShopTests
{
    private const string Cdn = "https://cdn.example.test/shop/";

    [Fact]
    public async Task Page_LinksHashedAssetsAtTheCdn_AssetsImmutableWithStrongETagsAnd304()
    {
        await using var shop = await ShopHostProcess.StartAsync(null, $"--Shop:Static:CdnBaseUrl={Cdn}");
        using var client = new HttpClient { BaseAddress = shop.BaseAddress };
        using var page = await client.GetAsync(new Uri("/products/7", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var links = Link().Matches(await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Select(m => m.Groups["url"].Value).ToList();
        Assert.Equal(3, links.Count);
        Assert.All(links, url => Assert.StartsWith(Cdn + "static/", url, StringComparison.Ordinal));
        Assert.Contains(links, url => HashedName().IsMatch(url) && url.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(links, url => HashedName().IsMatch(url) && url.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(links, url => url.Contains("/static/products/SKU-00007.", StringComparison.Ordinal));

        foreach (var url in links)
        {
            // What the CDN would ask the origin for: the same path on the shop.
            var path = new Uri(url[(Cdn.Length - 1)..], UriKind.Relative);
            using var asset = await client.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", asset.Headers.CacheControl?.ToString());
            var etag = asset.Headers.ETag;
            Assert.NotNull(etag);
            Assert.False(etag.IsWeak, $"{path}: {etag}");

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(etag);
            using var revalidated = await client.SendAsync(again, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", revalidated.Headers.CacheControl?.ToString());
        }

        using var json = await client.GetAsync(new Uri("/api/products/7/page", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        using var body = JsonDocument.Parse(await json.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var image = body.RootElement.GetProperty("imageUrl").GetString();
        Assert.Equal(links.Single(l => l.Contains("/products/", StringComparison.Ordinal)), image);
    }

    [Fact]
    public async Task AssetNameWithoutHashOrUnknown_Is404_AndEveryOriginRequestIsCounted()
    {
        await using var shop = await ShopHostProcess.StartAsync();
        using var client = new HttpClient { BaseAddress = shop.BaseAddress };
        foreach (var path in new[] { "/static/app.css", "/static/products/SKU-00001.svg", "/static/app.0000000000.css" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        // Without a CDN base URL the page names assets on the origin, root-relative.
        var html = await client.GetStringAsync(new Uri("/products/1", UriKind.Relative), TestContext.Current.CancellationToken);
        var stylesheet = Link().Matches(html).Select(m => m.Groups["url"].Value).First(u => u.EndsWith(".css", StringComparison.Ordinal));
        Assert.StartsWith("/static/app.", stylesheet, StringComparison.Ordinal);
        (await client.GetAsync(new Uri(stylesheet, UriKind.Relative), TestContext.Current.CancellationToken)).Dispose();

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(2, Counted(metrics, "unhashed"));
        Assert.Equal(1, Counted(metrics, "unknown"));
        Assert.Equal(1, Counted(metrics, "hashed"));
    }

    [Fact]
    public async Task CdnBaseUrlNotHttp_ShopRefusesToStart_NamingTheKey()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        var data = Path.Combine(Path.GetTempPath(), "bulwark-static-" + Guid.NewGuid().ToString("N"));
        foreach (var argument in new[] { ShopHostProcess.ShopDll(), "--urls=http://127.0.0.1:0", "--environment=Development", $"--Shop:Data:Path={data}", "--Shop:Externals:Launch=false", "--Shop:Static:CdnBaseUrl=ftp://cdn.example.test/" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("CdnBaseUrl", await output + await errors, StringComparison.Ordinal);
    }

    private static double Counted(string metrics, string outcome) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith("bulwark_static_origin_requests_total{", StringComparison.Ordinal) && l.Contains($"outcome=\"{outcome}\"", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"<(?:link|script|img)\b[^>]*?\b(?:href|src)=""(?<url>[^""]+)""")]
    private static partial Regex Link();

    [GeneratedRegex(@"/static/app\.[a-z0-9]{6,}\.(css|js)$")]
    private static partial Regex HashedName();
}
