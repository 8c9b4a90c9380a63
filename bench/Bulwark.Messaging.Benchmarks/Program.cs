using BenchmarkDotNet.Running;
using Bulwark.Messaging.Benchmarks;

if (args is ["latency", ..])
{
    await LatencyProbe.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
