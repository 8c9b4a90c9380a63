using System.Diagnostics;
using System.Text.Json;
using Bulwark.Testing;

namespace Bulwark.Sidecar.Tests;

/// <summary>
/// The shop wired as <c>deploy/sidecar/start.sh</c> wires it (Codex 09, issue 14): its recommendations URL is the
/// sidecar, the sidecar's upstream the Python engine. Only configuration differs from the shop's default; the product
/// page shows the Python engine's list, and when the Python process is gone the sidecar answers at once and the page
/// degrades instead of failing.
/// </summary>
public sealed class ShopThroughSidecarTests
{
    // Well under the 2 s budgets of the shop's and the sidecar's timeouts here: a page that waited for them is not fast.
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(1.5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ProductPage_ShopCallsPythonThroughTheSidecar_ShowsItsListThenDegradesFastWhenPythonIsGone()
    {
        await using var rig = await SidecarRig.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "bulwark-shop-sidecar-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var shop = await StartShopAsync(rig.Sidecar.Url, data);

            // The engine's deterministic list for product 3 (the .NET stand-in's too), through the shop and the sidecar.
            var page = await ProductPages.GetWholeAsync(shop.Client, 3, attempts: 10);
            Assert.Equal([33, 44, 55, 6], page.GetProperty("recommendations").EnumerateArray().Select(e => e.GetInt32()));
            var sawThroughSidecar = await rig.PythonSawAsync();
            Assert.Contains(sawThroughSidecar, r => r.Path.StartsWith("/recommendations/3?", StringComparison.Ordinal) && r.Deadline is not null);

            await rig.Python.DisposeAsync();

            var clock = Stopwatch.StartNew();
            using (var refused = await rig.Sidecar.Client.GetAsync("/recommendations/4?count=4", Ct))
            {
                Assert.True((int)refused.StatusCode >= 500, $"the sidecar answered {(int)refused.StatusCode} with Python gone");
            }

            Assert.True(clock.Elapsed < FastEnough, $"the sidecar took {clock.Elapsed} to answer with Python gone");

            clock.Restart();
            var degraded = await ProductPages.GetAsync(shop.Client, 4);
            Assert.True(clock.Elapsed < FastEnough, $"the page took {clock.Elapsed} with Python gone");
            Assert.Equal(["recommendations"], degraded.GetProperty("degraded").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(JsonValueKind.Null, degraded.GetProperty("recommendations").ValueKind);
            Assert.Equal(4, degraded.GetProperty("product").GetProperty("id").GetInt32());

            // A product seen while Python answered keeps its last good list, marked degraded.
            var remembered = await ProductPages.GetAsync(shop.Client, 3);
            Assert.Equal([33, 44, 55, 6], remembered.GetProperty("recommendations").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Contains("recommendations", remembered.GetProperty("degraded").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            DeleteQuietly(data);
        }
    }

    private static Task<RealProcess> StartShopAsync(Uri sidecar, string data) =>
        RealProcess.StartAsync("dotnet",
        [
            ShopDll(), "--urls=http://127.0.0.1:0", "--environment=Development", $"--Shop:Data:Path={data}",
            "--Shop:Externals:Launch=false",
            $"--Shop:Externals:PaymentProviderUrl=http://127.0.0.1:{FreePort.Refusing}",
            // What deploy/sidecar/start.sh sets: the sidecar is the engine's address, and the shop's own retry is off
            // so the two retries do not multiply.
            $"--Shop:Externals:RecommendationsUrl={sidecar.GetLeftPart(UriPartial.Authority)}",
            "--Bulwark:Resilience:Pipelines:recommendations:Retry:MaxRetryAttempts=0",
            // The shipped 300 ms is for a warm shop on a quiet machine; this one is neither.
            "--Bulwark:Resilience:Pipelines:recommendations:Timeout=00:00:02",
            "--Bulwark:RateLimiting:Tiers:anonymous:PermitLimit=100000000",
            "--Bulwark:RateLimiting:Tiers:authenticated:PermitLimit=100000000",
        ],
        "Shop ready at",
        TimeSpan.FromSeconds(90));

    // The shop's own build output: this folder holds the sidecar's appsettings.json, not the shop's.
    private static string ShopDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var own = Path.Combine(here.Parent!.Parent!.FullName, "Shop.Host", here.Name, "Shop.Host.dll");
        Assert.True(File.Exists(own), $"Build shop/Shop.Host first: {own} is missing.");
        return own;
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A file the stopped shop still held for a moment; the temp folder is cleaned by the machine.
        }
    }
}
