using System.Runtime.CompilerServices;

// The chunked tensor-memory path only triggers above 1 GiB; tests drive it with a small chunk size instead.
[assembly: InternalsVisibleTo("SharpVL.Tests")]
