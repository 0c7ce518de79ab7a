;; wordcount.wat: counts the words of its input (runs of bytes other than space, tab, CR, LF)
;; and returns the count as decimal ASCII digits, e.g. "42".
;; tiny-hops wasm ABI (docs/node.md): exports `memory`, `alloc(len) -> ptr` and the entrypoint
;; `wordcount(ptr, len) -> i64` returning (out_ptr << 32) | out_len.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))

  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32) (local $pages i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (local.set $pages (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16)))
    (if (i32.gt_u (local.get $pages) (memory.size))
      (then
        (if (i32.eq (memory.grow (i32.sub (local.get $pages) (memory.size))) (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))

  (func $is_space (param $c i32) (result i32)
    (i32.or
      (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
      (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 13)))))

  (func (export "wordcount") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $count i32) (local $in_word i32) (local $space i32)
    (local $out i32) (local $digits i32) (local $n i32) (local $j i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $space (call $is_space (i32.load8_u (i32.add (local.get $ptr) (local.get $i)))))
        (if (i32.and (i32.eqz (local.get $space)) (i32.eqz (local.get $in_word)))
          (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $in_word (i32.eqz (local.get $space)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; number of decimal digits (at least one)
    (local.set $digits (i32.const 1))
    (local.set $n (local.get $count))
    (block $counted
      (loop $more
        (br_if $counted (i32.lt_u (local.get $n) (i32.const 10)))
        (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
        (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
        (br $more)))
    (local.set $out (call $alloc (local.get $digits)))
    (local.set $n (local.get $count))
    (local.set $j (local.get $digits))
    (loop $write
      (local.set $j (i32.sub (local.get $j) (i32.const 1)))
      (i32.store8 (i32.add (local.get $out) (local.get $j))
                  (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $write (i32.gt_u (local.get $j) (i32.const 0))))
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
      (i64.extend_i32_u (local.get $digits))))
)
