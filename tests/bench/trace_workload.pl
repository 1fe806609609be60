# A small deterministic Perl workload for the allocation traces
# (cmake/scripts/bench_traces.py): text made up from a fixed generator,
# split into words, counted in hashes, indexed in arrays of arrays, rewritten
# by regular expressions, sorted and formatted into a report. Prints a
# checksum-like line so that a change in the work shows.
use strict;
use warnings;

my $lines = @ARGV ? $ARGV[0] : 20000;
my $seed  = 12345;

sub rnd {
    $seed = ($seed * 1103515245 + 12345) % 2147483648;
    return $seed;
}

my @syllables = qw(ka lo mi nu pe ra si to vu xe ya zo);
my (%count, %where, @kept);
for my $n (1 .. $lines) {
    my @words = map {
        join '', map { $syllables[rnd() % @syllables] } 1 .. 1 + rnd() % 3
    } 1 .. 8;
    my $line = join ' ', @words;
    $line =~ s/(ka|mi)(\w*)/\U$1\E$2/g;
    push @kept, $line if $n % 4 == 0;
    for my $w (split / /, $line) {
        my $key = lc $w;
        $count{$key}++;
        push @{ $where{$key} }, $n if @{ $where{$key} || [] } < 20;
    }
}
my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 49];
my $report = join "\n",
    map { sprintf "%-12s %6d %s", $_, $count{$_}, join(',', @{ $where{$_} }) } @top;
my %reversed = map { scalar(reverse $_) => length $_ } @kept;
print length($report), " ", scalar(keys %count), " ", scalar(keys %reversed), "\n";
