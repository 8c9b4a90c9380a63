namespace Bulwark.Edge.Tests.Support;

/// <summary>
/// The test classes that start real shop processes (two per drill) run one at a time and alone: on a two-core machine,
/// shops starting beside other load tests miss their deadlines, and then the drills measure the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ShopProcesses
{
    public const string Name = "shop processes";
}
