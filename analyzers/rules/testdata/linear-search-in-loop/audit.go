package linearsearchinloop

import "regexp"

type command struct {
	name     string
	commands []*command
}

func lookupPath(root *command, args []string) *command {
	cmd := root
Args:
	for _, arg := range args {
		for _, sub := range cmd.commands {
			if sub.name == arg {
				cmd = sub
				continue Args
			}
		}
		return nil
	}
	return cmd
}

func allowed(flags []string, valid []*regexp.Regexp) bool {
	for _, f := range flags {
		found := false
		for _, re := range valid {
			if re.FindString(f) == f {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func dedupeNames(names []string) []string {
	var out []string
	for _, n := range names {
		dup := false
		for _, seen := range out { // want "inner loop searches out linearly"
			if seen == n {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, n)
		}
	}
	return out
}
