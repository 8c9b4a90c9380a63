using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Bulwark.Messaging.Benchmarks;

if (args is ["latency", ..])
{
    await LatencyProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}

if (args is ["throughput", ..])
{
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    await ThroughputProbe.RunAsync(rounds, messages: 1000);
    return;
}

// A shared 2-core machine can take longer than BenchmarkDotNet's default 2 minutes to build the generated project.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15)));
