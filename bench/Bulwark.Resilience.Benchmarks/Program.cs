using BenchmarkDotNet.Running;
using Bulwark.Resilience.Benchmarks;

if (args is ["interleaved", ..])
{
    RateLimitInterleaved.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

if (args is ["pipeline-interleaved", ..])
{
    PipelineInterleaved.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
