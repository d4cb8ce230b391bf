//! The words people type for what 分工 spells out: 城管 for 城市管理, 低保 for 最低生活保障.
//! Each group is symmetric (a search for any word of it also looks for the others) and goes
//! into the search manifest; `[search] synonyms` in roster.toml adds words to a group of the
//! same first word, or new groups.

use crate::config::SearchConfig;

/// The built-in groups: the short word first, then what it stands for.
const BUILT_IN: &[&[&str]] = &[
    &["城管", "城市管理", "综合执法"],
    &["低保", "最低生活保障"],
    &["社保", "社会保障", "社会保险"],
    &["医保", "医疗保障", "医疗保险"],
    &["信访", "来信来访"],
    &["计生", "计划生育"],
    &["环保", "环境保护", "生态环境"],
    &["安监", "安全生产", "安全监管"],
    &["应急", "应急管理"],
    &["防汛", "防汛抗旱"],
    &["人社", "人力资源和社会保障", "人力资源社会保障"],
    &["发改", "发展和改革", "发展改革"],
    &["住建", "住房和城乡建设", "住房城乡建设"],
    &["城建", "城市建设"],
    &["文旅", "文化和旅游", "文化旅游"],
    &["卫健", "卫生健康"],
    &["统战", "统一战线"],
    &["纪检", "纪律检查"],
    &["市场监管", "市场监督管理"],
    &["工信", "工业和信息化"],
    &["网信", "网络安全和信息化"],
    &["国资", "国有资产"],
    &["林草", "林业和草原"],
    &["交通", "交通运输"],
    &["食安", "食品安全"],
    &["药监", "药品监督管理", "药品监管"],
    &["残联", "残疾人"],
    &["养老", "老龄"],
    &["扶贫", "乡村振兴"],
    &["招商", "招商引资"],
    &["征迁", "征地拆迁", "房屋征收"],
    &["河长制", "河湖长制"],
];

/// The groups the search script uses: the built-in ones with the editor's words added.
pub fn groups(config: &SearchConfig) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = BUILT_IN.iter().map(|g| g.iter().map(|w| (*w).to_owned()).collect()).collect();
    for (word, list) in &config.synonyms {
        let at = match out.iter().position(|g| g[0] == *word) {
            Some(i) => i,
            None => {
                out.push(vec![word.clone()]);
                out.len() - 1
            }
        };
        for w in list {
            if !out[at].contains(w) {
                out[at].push(w.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editors_words_join_a_group_or_start_one() {
        let config = SearchConfig {
            synonyms: vec![
                ("城管".into(), vec!["城市管理".into(), "市容".into()]),
                ("一网通办".into(), vec!["政务服务".into()]),
            ],
        };
        let groups = groups(&config);
        let cg = groups.iter().find(|g| g[0] == "城管").unwrap();
        assert_eq!(cg, &["城管", "城市管理", "综合执法", "市容"]);
        assert_eq!(groups.last().unwrap(), &["一网通办", "政务服务"]);
        assert_eq!(groups.len(), BUILT_IN.len() + 1);
    }
}
