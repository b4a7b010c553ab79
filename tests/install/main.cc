// The README's example program: estimate how similar two texts are.
#include <cstdio>
#include <vector>

#include <neardup/neardup.h>

int main() {
  auto shingler = neardup::Shingler::Create({});       // word 5-grams
  auto minhash = neardup::MinHasher::Create({});       // 112 permutations
  if (!shingler.ok() || !minhash.ok()) return 1;
  std::vector<uint64_t> a, b;
  shingler->Hash("The council approved the new budget on Monday after a long debate.", &a);
  shingler->Hash("The council approved the new budget on Tuesday after a long debate!", &b);
  std::printf("exact %.3f, estimated %.3f\n", neardup::ExactJaccard(a, b),
              *neardup::EstimateJaccard(minhash->Sign(a), minhash->Sign(b)));
  return neardup::SelfTest(nullptr).ok() ? 0 : 1;
}
