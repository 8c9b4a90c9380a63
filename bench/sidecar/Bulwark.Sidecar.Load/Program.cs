using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Bulwark.Resilience.DependencyInjection;

// dotnet Bulwark.Sidecar.Load.dll upstream --urls http://127.0.0.1:PORT
//   A bare Kestrel app answering every GET with the recommendations JSON: fast, so it is not what is measured.
// dotnet Bulwark.Sidecar.Load.dll drive --target URL --paths /a,/b --rate 1000 --seconds 20 --warmup 5
//        [--watch PID] [--pipeline recommendations --config pipelines.json]
//   Sends --rate requests a second on a fixed schedule (open loop: latency counts from when a request was due, so a
//   slow proxy cannot hide its queueing) and prints one JSON line: latency percentiles, the rate achieved, errors, and
//   the CPU and RSS of this process and of --watch (the proxy) over the measured window. With --pipeline, every call
//   goes through that Bulwark pipeline in this process (AddBulwarkResilienceHandler), as a .NET service would.
return args.FirstOrDefault() switch
{
    "upstream" => await Upstream.RunAsync(args[1..]),
    "drive" => await Driver.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Bulwark.Sidecar.Load (upstream --urls URL | drive --target URL [--paths p1,p2] [--rate N] [--seconds N] [--warmup N] [--watch PID] [--pipeline NAME --config FILE])");
    return 2;
}

internal static class Upstream
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var body = """{"productId":5,"productIds":[47,58,9]}"""u8.ToArray();
        app.MapGet("/{**path}", async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        });
        await app.RunAsync();
        return 0;
    }
}

internal static class Driver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(args).Build();
        var target = new Uri(configuration["target"] ?? throw new ArgumentException("--target is required"));
        var paths = (configuration["paths"] ?? "/recommendations/5").Split(',');
        var rate = int.Parse(configuration["rate"] ?? "1000", CultureInfo.InvariantCulture);
        var seconds = int.Parse(configuration["seconds"] ?? "20", CultureInfo.InvariantCulture);
        var warmup = int.Parse(configuration["warmup"] ?? "5", CultureInfo.InvariantCulture);
        var watched = configuration["watch"] is { } pid ? Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture)) : null;

        using var services = Client(configuration, target);
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("load");

        await RunAtRateAsync(client, paths, rate, warmup, latencies: null);
        var self = Process.GetCurrentProcess();
        self.Refresh();
        watched?.Refresh();
        var selfCpu = self.TotalProcessorTime;
        var watchedCpu = watched?.TotalProcessorTime ?? TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var latencies = new double[rate * seconds];
        var errors = await RunAtRateAsync(client, paths, rate, seconds, latencies);
        var elapsed = clock.Elapsed.TotalSeconds;
        self.Refresh();
        watched?.Refresh();

        Array.Sort(latencies);
        var result = new
        {
            mode = configuration["pipeline"] is null ? "plain" : "in-process pipeline",
            target = target.ToString(),
            paths,
            requests = latencies.Length,
            achievedPerSecond = Math.Round(latencies.Length / elapsed, 1),
            errors,
            p50Ms = Percentile(latencies, 0.50),
            p90Ms = Percentile(latencies, 0.90),
            p99Ms = Percentile(latencies, 0.99),
            driverCpuSeconds = Math.Round((self.TotalProcessorTime - selfCpu).TotalSeconds, 3),
            driverRssMb = Math.Round(self.WorkingSet64 / 1048576.0, 1),
            watchedCpuSeconds = watched is null ? (double?)null : Math.Round((watched.TotalProcessorTime - watchedCpu).TotalSeconds, 3),
            watchedRssMb = watched is null ? (double?)null : Math.Round(watched.WorkingSet64 / 1048576.0, 1),
            measuredSeconds = Math.Round(elapsed, 2),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static ServiceProvider Client(IConfiguration arguments, Uri target)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var http = services.AddHttpClient("load", c =>
            {
                c.BaseAddress = target;
                c.Timeout = TimeSpan.FromSeconds(30);
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            .RemoveAllLoggers();
        if (arguments["pipeline"] is { } pipeline)
        {
            // The same Bulwark:Resilience settings the sidecar runs with, so both pay for the same policies.
            var file = arguments["config"] ?? throw new ArgumentException("--pipeline needs --config FILE");
            var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file)).Build();
            services.AddBulwarkResilience(configuration);
            http.AddBulwarkResilienceHandler(pipeline);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>Sends <paramref name="rate"/> requests a second for <paramref name="seconds"/>; each latency is measured from when it was due.</summary>
    private static async Task<int> RunAtRateAsync(HttpClient client, string[] paths, int rate, int seconds, double[]? latencies)
    {
        var total = rate * seconds;
        var inFlight = new List<Task>(total);
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate));
            for (; sent < due; sent++)
            {
                var index = sent;
                var dueTicks = (long)(index * (double)Stopwatch.Frequency / rate);
                inFlight.Add(SendAsync(index, dueTicks));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return errors;

        async Task SendAsync(int index, long dueTicks)
        {
            try
            {
                using var response = await client.GetAsync(paths[index % paths.Length], HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException
                or Polly.ExecutionRejectedException or Bulwark.Resilience.Bulkhead.BulkheadRejectedException)
            {
                // A failed call is a data point (counted), not a reason to stop the run.
                Interlocked.Increment(ref errors);
            }

            if (latencies is not null)
            {
                latencies[index] = (clock.ElapsedTicks - dueTicks) * 1000.0 / Stopwatch.Frequency;
            }
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 3);
}
