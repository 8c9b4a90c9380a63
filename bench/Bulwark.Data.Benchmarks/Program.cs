using System.Globalization;
using BenchmarkDotNet.Running;
using Bulwark.Data.Benchmarks;

if (args is ["interleaved", ..])
{
    await EventStoreBenchmarks.RunInterleavedAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
